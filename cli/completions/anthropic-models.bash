# bash completion for anthropic-models(1): commands, options (global ones
# anywhere, list's after it), --lifecycle's stages, --cacert's files.
# Needs no bash-completion helpers: it works sourced alone too.

_anthropic_models() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=
  local global='--base-url --api-key --json --table --verbose --max-retries
    --timeout --connect-timeout --beta --workspace --concurrency --cacert
    --http1.1 --help --version -j -t -v -c -h'
  local list='--limit --all --page-size --after-id --before-id --lifecycle'
  local cmd= i w
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

  # --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS).
  if [[ $cur == = ]]; then
    cur= prev=${COMP_WORDS[COMP_CWORD - 1]}
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # The command: the first word that is neither an option nor its value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      --) ((i + 1 < COMP_CWORD)) && cmd=${COMP_WORDS[i + 1]}; break ;;
      --base-url | --api-key | --max-retries | --timeout | --connect-timeout | \
        --beta | --workspace | --concurrency | --cacert | --limit | \
        --page-size | --after-id | --before-id | --lifecycle | -c | -[jtvh]*c)
        [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
        ((i++))
        ;;
      -*) [[ ${COMP_WORDS[i + 1]} == = ]] && ((i += 2)) ;;
      *) cmd=$w; break ;;
    esac
  done

  case $prev in
    --lifecycle)
      COMPREPLY=($(compgen -W 'active deprecated retired' -- "$cur"))
      return
      ;;
    --cacert)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --base-url | --api-key | --max-retries | --timeout | --connect-timeout | \
      --beta | --workspace | --concurrency | --limit | --page-size | \
      --after-id | --before-id | -c | -[jtvh]*c)
      COMPREPLY=()
      return
      ;;
  esac

  if [[ $cur == -* ]]; then
    [[ $cmd == list ]] && global+=" $list"
    COMPREPLY=($(compgen -W "$global" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W 'list get resolve' -- "$cur"))
  else
    COMPREPLY=() # model ids and aliases: the API knows them, not the shell
  fi
}

complete -F _anthropic_models anthropic-models

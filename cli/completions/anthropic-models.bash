# bash completion for anthropic-models(1): commands, options (global ones
# anywhere, a command's after it), --lifecycle's stages, --cacert's and
# --from's files, --interval's and --within's usual values.
# Needs no bash-completion helpers: it works sourced alone too.

_anthropic_models() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=
  local global='--base-url --api-key --json --table --verbose --max-retries
    --timeout --connect-timeout --beta --workspace --concurrency --cacert
    --http1.1 --help --version -j -t -v -c -h'
  local list='--limit --all --page-size --after-id --before-id --lifecycle'
  local audit='--within --now --from' watch='--interval'
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
        --page-size | --after-id | --before-id | --lifecycle | --within | \
        --now | --from | --interval | -c | -[jtvh]*c)
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
    --interval)
      COMPREPLY=($(compgen -W '30s 1m 10m 1h' -- "$cur"))
      return
      ;;
    --within)
      COMPREPLY=($(compgen -W '30 90 180' -- "$cur"))
      return
      ;;
    --cacert | --from)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --base-url | --api-key | --max-retries | --timeout | --connect-timeout | \
      --beta | --workspace | --concurrency | --limit | --page-size | \
      --after-id | --before-id | --now | -c | -[jtvh]*c)
      COMPREPLY=()
      return
      ;;
  esac

  if [[ $cur == -* ]]; then
    case $cmd in
      list) global+=" $list" ;;
      audit) global+=" $audit" ;;
      watch) global+=" $watch" ;;
    esac
    COMPREPLY=($(compgen -W "$global" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W 'list get resolve audit watch' -- "$cur"))
  else
    COMPREPLY=() # model ids and aliases: the API knows them, not the shell
  fi
}

complete -F _anthropic_models anthropic-models

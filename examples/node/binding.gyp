# node-gyp's build of the addon (`npm install`, README "Node.js"): addon.c
# and the library's src/*.c (the list is meson.build's lib_sources;
# test/node_package.sh checks they agree), compiled against Node's own
# headers, uv.h included: the client's structs embed libuv's, and uv_* and
# napi_* come from the node binary that loads the addon, so libuv is not
# linked. libcurl and cJSON are the system's (pkg-config). The library's
# symbols stay inside the addon, as in meson's build of it: it exports
# only Node's entry points (tools/exports.map).
{
  'variables': {
    # Where src/ and include/ are: this repository around examples/node,
    # else vendor/ in a packed tarball (copied there by `npm pack`,
    # tools/vendor.js).
    'anthropic_root%': '<!(node tools/root.js)',
  },
  'targets': [{
    'target_name': 'anthropic',
    'sources': [
      'addon.c',
      '<(anthropic_root)/src/alloc.c',
      '<(anthropic_root)/src/buf.c',
      '<(anthropic_root)/src/client.c',
      '<(anthropic_root)/src/engine.c',
      '<(anthropic_root)/src/error.c',
      '<(anthropic_root)/src/headers.c',
      '<(anthropic_root)/src/json.c',
      '<(anthropic_root)/src/lifecycle.c',
      '<(anthropic_root)/src/log.c',
      '<(anthropic_root)/src/model.c',
      '<(anthropic_root)/src/pager.c',
      '<(anthropic_root)/src/parse.c',
      '<(anthropic_root)/src/models.c',
      '<(anthropic_root)/src/options.c',
      '<(anthropic_root)/src/request.c',
      '<(anthropic_root)/src/resolver.c',
      '<(anthropic_root)/src/retry.c',
      '<(anthropic_root)/src/rfc3339.c',
      '<(anthropic_root)/src/tojson.c',
      '<(anthropic_root)/src/url.c',
      '<(anthropic_root)/src/watch.c',
    ],
    'include_dirs': ['<(anthropic_root)/include'],
    'defines': ['_POSIX_C_SOURCE=200809L'],
    'cflags': ['-std=c11', '-fvisibility=hidden',
      '<!@(pkg-config --cflags libcurl libcjson)'],
    'conditions': [
      # GNU ld's (and lld's) options; this is only built on Linux so far.
      # The link runs in build/: the map's path is relative to it, since an
      # absolute one would break at the first space in the install path.
      ['OS=="linux"', {
        'ldflags': ['-Wl,--exclude-libs,ALL',
          '-Wl,--version-script=../tools/exports.map'],
      }],
    ],
    'libraries': ['<!@(pkg-config --libs libcurl libcjson)', '-lm'],
  }],
}

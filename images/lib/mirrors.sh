# shellcheck shell=bash
# The Debian mirrors the base image is built from: the ones this machine's apt reads, or the ones
# DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR name. No mirror is assumed. Sourced by build.sh after
# common.sh; base.sh asks it. Kept apart from base.sh, whose text is part of the base's recipe
# key: how a mirror is found does not change the image, the mirror found (in the key) does.

# apt_source_files: the files this machine's apt reads its sources from, one a line: the one-line
# format (sources.list, *.list) and deb822 (*.sources).
apt_source_files() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] && printf '%s\n' "$file"
  done
  return 0
}

# apt_sources: "URI SUITE" for every binary source this machine's apt reads, one-line
# (sources.list, *.list) and deb822 (*.sources) files alike.
apt_sources() {
  local files=()
  mapfile -t files < <(apt_source_files)
  ((${#files[@]} > 0)) || return 0
  # mawk has no ENDFILE: a deb822 stanza ends at a blank line, a new file or the end.
  awk '
    function flush(   i, j, nu, ns, u, s) {
      if (types ~ /(^| )deb( |$)/) {
        nu = split(uris, u, " "); ns = split(suites, s, " ")
        for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
      }
      types = uris = suites = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^#/) next
      key = tolower($1); $1 = ""
      if (key == "types:") types = $0
      else if (key == "uris:") uris = $0
      else if (key == "suites:") suites = $0
      next
    }
    { sub(/#.*/, "") }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      print $i, $(i + 1)
    }
    END { flush() }
  ' "${files[@]}"
}

# mirror_for SUITE: the first URI this machine's apt uses for SUITE; nothing when none does.
mirror_for() {
  apt_sources | awk -v suite="$1" '$2 == suite { print $1; exit }'
}

# no_mirror WHAT SUITE VARIABLE: stops the build, saying where it looked for SUITE's mirror, what
# it found there, and which variable names the mirror instead.
no_mirror() {
  local files suites
  files=$(apt_source_files | paste -sd ' ' -)
  suites=$(apt_sources | awk '{ print $2 }' | sort -u | paste -sd ' ' -)
  die "no $1 for $2: this machine's apt sources have no deb line for suite $2 (looked in" \
    "/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and /etc/apt/sources.list.d/*.sources;" \
    "found ${files:-no such file}; their suites: ${suites:-none})." \
    "Set $3 to the URL of a Debian mirror that serves $2 (the URI of a deb line, http://HOST/PATH)."
}

# pick_mirror VARIABLE SUITE WHAT: sets PICKED to the mirror VARIABLE names, else to the first one
# this machine's apt uses for SUITE. Stops the build when there is none, or when it is no URL that
# debootstrap and a deb line take.
pick_mirror() {
  local variable=$1 suite=$2 what=$3 from
  PICKED=${!variable:-}
  from=$variable
  if [[ -z "$PICKED" ]]; then
    PICKED=$(mirror_for "$suite")
    [[ -n "$PICKED" ]] || no_mirror "$what" "$suite" "$variable"
    from="this machine's apt source for $suite"
  fi
  [[ "$PICKED" =~ ^(https?|ftp|file):/[^[:space:]\'\"]+$ ]] ||
    die "$what for $suite: '$PICKED' (from $from) is not a mirror URL that debootstrap takes;" \
      "set $variable to one, such as http://HOST/PATH (no spaces or quotes)"
}

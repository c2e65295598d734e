# Sourced by the scripts that obtain a tool: `print_if_found VAR command` prints the executable named by $VAR, or
# else `command` on PATH, and exits the calling script; it returns (prints nothing) when neither is there.
print_if_found() {
  local variable="$1" command="$2"
  local explicit="${!variable:-}"
  if [ -n "$explicit" ]; then
    if [ ! -x "$explicit" ]; then
      echo "$variable=$explicit is not an executable file" >&2
      exit 1
    fi
    echo "$explicit"
    exit 0
  fi
  local on_path
  if on_path="$(command -v "$command" 2>/dev/null)"; then
    echo "$on_path"
    exit 0
  fi
}

# Sourced by the bench scripts after they cd to the repository root: what they all need.
# step TEXT      a progress line on stderr
# models NAME…   the cached path of a model (fetched or generated on first use), as `aot-models path` prints it
step() { printf '\n==> %s\n' "$*" >&2; }
models() { dotnet run --project models/Aot.Models.Cli -c Release -- path "$@"; }

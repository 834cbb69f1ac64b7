# Shared by the peer start scripts (tools/real-chroma/start.sh, tools/pgvector/start.sh): parses
#   [--background] [--pid-file FILE] [--log-file FILE] PORT DIR
# into the globals background, pid_file, log_file, port and dir. The sourcing script defines usage and die.
parse_start_args() {
    background=false
    pid_file=""
    log_file=""
    local positional=()
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --background) background=true; shift ;;
            --pid-file) [[ $# -ge 2 ]] || usage; pid_file="$2"; shift 2 ;;
            --log-file) [[ $# -ge 2 ]] || usage; log_file="$2"; shift 2 ;;
            -h|--help) usage ;;
            --) shift; positional+=("$@"); break ;;
            -*) die "unknown option $1" ;;
            *) positional+=("$1"); shift ;;
        esac
    done
    [[ ${#positional[@]} -eq 2 ]] || usage
    port="${positional[0]}"
    dir="${positional[1]}"
    [[ "$port" =~ ^[0-9]+$ ]] && (( port >= 1 && port <= 65535 )) || die "PORT must be 1-65535, got '$port'"
}

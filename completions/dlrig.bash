# bash completion for dlrig. The candidates come from the binary itself
# ("dlrig __complete WORDS..."), so they follow its commands and options.
_dlrig() {
        local cur=${COMP_WORDS[COMP_CWORD]} line
        local -a out
        out=()
        while IFS= read -r line; do
                out+=("$line")
        done < <("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
        [[ $cur == = ]] && cur=
        case ${out[0]-} in
        @file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null ;;
        @dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); compopt -o filenames 2>/dev/null ;;
        *) COMPREPLY=("${out[@]}") ;;
        esac
}
complete -F _dlrig dlrig

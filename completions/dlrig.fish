# fish completion for dlrig. The candidates come from the binary itself
# ("dlrig __complete WORDS..."), so they follow its commands and options.
function __dlrig_complete
        set -l words (commandline -opc) (commandline -ct)
        set -l out ($words[1] __complete $words 2>/dev/null)
        switch "$out[1]"
                case @file
                        __fish_complete_path (commandline -ct)
                case @dir
                        __fish_complete_directories (commandline -ct)
                case '*'
                        printf '%s\n' $out
        end
end
complete -c dlrig -f -a '(__dlrig_complete)'

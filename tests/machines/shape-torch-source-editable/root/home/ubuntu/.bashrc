# ~/.bashrc: executed by bash(1) for non-login shells.
HISTSIZE=1000
export PATH=/usr/local/cuda/bin:$PATH

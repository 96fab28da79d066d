# ~/.bashrc: executed by bash(1) for non-login shells.
HISTSIZE=1000
export CUDA_HOME=/usr/local/cuda-12.4

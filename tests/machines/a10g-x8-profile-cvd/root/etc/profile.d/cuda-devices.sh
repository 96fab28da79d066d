# pin CUDA jobs to the first two GPUs
export CUDA_VISIBLE_DEVICES=0,1

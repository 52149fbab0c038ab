#!/bin/bash
# Grade a class on a Slurm cluster: one array task per share, then merge.
#
#   sbatch --array=1-8 deploy/slurm-grade.sh            # 8 shares
#   sbatch --dependency=afterok:JOBID deploy/slurm-merge.sh   (or run the merge by hand:)
#   dlcourse merge grades/part-*.csv --out grades.csv
#
# Settings (environment, with defaults): SUBMISSIONS (folder of .ipynb), OUTDIR (where the
# parts, the feedback pages and the shared result cache go), SHARDS (N; default: the array's
# size), DLCOURSE (the command; default: dlcourse, from the grader's virtual environment or
# the container of deploy/Containerfile). Task I grades share I of N (1-based, as Slurm's
# SLURM_ARRAY_TASK_ID is with --array=1-N).
#SBATCH --job-name=dlcourse-grade
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --output=dlcourse-grade-%A_%a.out
set -euo pipefail
SUBMISSIONS=${SUBMISSIONS:-submissions}
OUTDIR=${OUTDIR:-grades}
SHARDS=${SHARDS:-$SLURM_ARRAY_TASK_COUNT}
DLCOURSE=${DLCOURSE:-dlcourse}
mkdir -p "$OUTDIR"
$DLCOURSE grade "$SUBMISSIONS"/*.ipynb \
    --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" \
    --out "$OUTDIR/part-$SLURM_ARRAY_TASK_ID.csv" \
    --feedback "$OUTDIR/feedback" --cache "$OUTDIR/cache" \
    --jobs "${SLURM_CPUS_PER_TASK:-2}"

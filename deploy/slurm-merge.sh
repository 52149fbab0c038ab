#!/bin/bash
# After every task of deploy/slurm-grade.sh succeeded:
#   sbatch --dependency=afterok:JOBID deploy/slurm-merge.sh
#SBATCH --job-name=dlcourse-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=00:10:00
set -euo pipefail
OUTDIR=${OUTDIR:-grades}
DLCOURSE=${DLCOURSE:-dlcourse}
$DLCOURSE merge "$OUTDIR"/part-*.csv --out "$OUTDIR/grades.csv"

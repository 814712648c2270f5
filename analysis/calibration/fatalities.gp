# Yearly conflict deaths in Mali: ACLED against the historical scenario's mean.
# Data: fatalities.dat, written by drawdown-calibrate check --data.
# Run from the repository root: gnuplot analysis/calibration/fatalities.gp
set terminal png size 900,500 font ",11"
set output "engine/calibration-fatalities.png"
set title "Mali: reported conflict deaths per year, observed (ACLED) and simulated (mean of 1,000 runs)"
set xlabel "year"
set ylabel "deaths per year"
set key top left
set grid ytics
set style data linespoints
set xtics 2014,1,2022
plot "analysis/calibration/fatalities.dat" using 1:2 title "observed (ACLED)" lw 2 pt 7, \
     "" using 1:3 title "simulated (mean)" lw 2 pt 5

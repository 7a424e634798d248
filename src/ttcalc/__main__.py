from ttcalc.cli import main

main()

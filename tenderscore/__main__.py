from tenderscore.cli import main

main()

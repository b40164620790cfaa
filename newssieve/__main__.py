from newssieve.cli import main

main()

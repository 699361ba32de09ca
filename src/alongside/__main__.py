from alongside.cli import main

main()

from vote_counter.cli import main

raise SystemExit(main())

from vote_counter.app import main

raise SystemExit(main())

from inspector.cli import main

if __name__ == "__main__":  # guarded: the store writer's spawned process imports this module
    raise SystemExit(main())

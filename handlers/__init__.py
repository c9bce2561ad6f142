"""Channel-neutral dialogs and commands; `dispatch` is the single entry point for every Incoming."""

# Empty custom commands generated dependencies file for speedup_cargo.
# This may be replaced when dependencies are built.

# Empty compiler generated dependencies file for test_capi.
# This may be replaced when dependencies are built.

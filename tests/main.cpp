// The Catch2 main, alone in its file so it compiles once (Catch2 docs: slow-compiles.md).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

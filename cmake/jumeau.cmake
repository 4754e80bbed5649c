# The only place compile rules live: jumeau_library(), jumeau_test(),
# jumeau_bench(), jumeau_fuzz(), and the project's third-party imports.

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()
# Release builds keep -g and use -O2 at least (benchmarks run on RelWithDebInfo).
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -g -DNDEBUG")

find_program(JUMEAU_CCACHE ccache)
if(JUMEAU_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${JUMEAU_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${JUMEAU_CCACHE})
endif()

set(JUMEAU_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)
if(JUMEAU_WERROR)
  list(APPEND JUMEAU_WARNINGS -Werror)
endif()
if(JUMEAU_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# ---- third-party dependencies (Debian packages; nothing is downloaded) ----
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
# Eigen 3 (Debian libeigen3-dev, header-only): linear algebra of assimilation/.
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HTSLIB REQUIRED IMPORTED_TARGET htslib)
pkg_check_modules(SIMDJSON REQUIRED IMPORTED_TARGET simdjson)
# libzip (BSD-3, Debian libzip-dev): TVB connectome zips (io/connectome).
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
# OpenSSL libcrypto (Apache-2.0, Debian libssl-dev): SHA-256 content hashes
# of sources (io/content_hash), with the CPU's SHA extensions.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(fmt REQUIRED)
# kissfft (BSD-3, Debian libkissfft-dev): analysis/dsp uses its header-only
# C++ template kissfft<double> (kissfft.hh); Debian's compiled library is
# float-only and is not linked.
pkg_check_modules(KISSFFT REQUIRED kissfft-float)
find_path(KISSFFT_HH_DIR kissfft.hh HINTS ${KISSFFT_INCLUDE_DIRS} PATH_SUFFIXES kissfft REQUIRED)
add_library(jumeau_kissfft INTERFACE)
target_include_directories(jumeau_kissfft SYSTEM INTERFACE ${KISSFFT_HH_DIR})
find_package(CLI11 QUIET)
find_library(EDFLIB_LIBRARY NAMES edf REQUIRED)
find_path(EDFLIB_INCLUDE_DIR edflib.h REQUIRED)
add_library(jumeau_edflib INTERFACE)
target_link_libraries(jumeau_edflib INTERFACE ${EDFLIB_LIBRARY})
target_include_directories(jumeau_edflib SYSTEM INTERFACE ${EDFLIB_INCLUDE_DIR})
if(JUMEAU_BUILD_TESTS OR JUMEAU_BUILD_FUZZ)
  find_package(GTest REQUIRED)
endif()
if(JUMEAU_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Test data: JUMEAU_TEST_DATA, default ../shared/data from the source root.
if(DEFINED ENV{JUMEAU_TEST_DATA})
  set(JUMEAU_TEST_DATA_DEFAULT "$ENV{JUMEAU_TEST_DATA}")
else()
  get_filename_component(JUMEAU_TEST_DATA_DEFAULT "${PROJECT_SOURCE_DIR}/../shared/data" ABSOLUTE)
endif()

# jumeau_library(NAME SRCS a.cc b.cc DEPS x y)
# One folder = one layer = one library target named jumeau_<NAME>.
function(jumeau_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(jumeau_${name} STATIC ${ARG_SRCS})
  target_include_directories(jumeau_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(jumeau_${name} PRIVATE ${JUMEAU_WARNINGS})
  target_link_libraries(jumeau_${name} PUBLIC ${ARG_DEPS})
endfunction()

# jumeau_test(NAME SRCS a_test.cc DEPS x [LABELS slow])
# One GoogleTest binary under ctest. JUMEAU_TEST_DATA and JUMEAU_SOURCE_DIR are
# set in the test's environment.
function(jumeau_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${JUMEAU_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} jumeau_testing GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS fast)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "JUMEAU_SOURCE_DIR=${PROJECT_SOURCE_DIR};JUMEAU_BINARY_DIR=${PROJECT_BINARY_DIR};JUMEAU_TEST_DATA_DEFAULT=${JUMEAU_TEST_DATA_DEFAULT}")
endfunction()

# jumeau_bench(NAME SRCS a_bench.cc DEPS x)
function(jumeau_bench name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${JUMEAU_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

# jumeau_fuzz(NAME SRCS a_fuzz.cc DEPS x)
# Under clang with JUMEAU_LIBFUZZER it links -fsanitize=fuzzer; otherwise it
# links fuzz/replay_main.cc and replays fuzz/corpus/<NAME>/ as a ctest.
option(JUMEAU_LIBFUZZER "Link fuzz targets with libFuzzer (clang only)" OFF)
function(jumeau_fuzz name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(JUMEAU_LIBFUZZER)
    add_executable(${name} ${ARG_SRCS})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    add_executable(${name} ${ARG_SRCS} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  endif()
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${JUMEAU_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  add_test(NAME ${name}_replay COMMAND ${name} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name})
  set_tests_properties(${name}_replay PROPERTIES LABELS fast TIMEOUT 300)
endfunction()

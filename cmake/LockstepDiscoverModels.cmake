# lockstep_discover_models(<target>
#                          [TEST_PREFIX prefix] [TEST_SUFFIX suffix]
#                          [WORKING_DIRECTORY dir]
#                          [EXTRA_ARGS arg...]
#                          [PROPERTIES name value...])
#
# Registers each model of <target>, a program whose main() calls
# lockstep::run_models, as a ctest test of its own, as doctest_discover_tests
# does for test cases. The test runs `<target> <model> <EXTRA_ARGS>`, which exits
# 0 exactly when the model's verdict is its expected one (PASS, or the expected
# kind of failure), so a model that must deadlock passes when it deadlocks.
# Each test is labelled `lockstep` and `expect_<verdict>` (expect_pass,
# expect_fail_deadlock, ...): `ctest -L expect_fail` runs the models with bugs.
#
# The models are listed after every link of <target> (`<target> --list-names`),
# so adding a model to the program needs no change here.
function(lockstep_discover_models target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TEST_PREFIX;TEST_SUFFIX;WORKING_DIRECTORY" "EXTRA_ARGS;PROPERTIES")
  if(NOT TARGET ${target})
    message(FATAL_ERROR "lockstep_discover_models: no target named '${target}'")
  endif()
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  # One pair of files per call, so a target may be discovered twice (other args).
  get_property(calls TARGET ${target} PROPERTY LOCKSTEP_DISCOVER_MODELS_CALLS)
  if(NOT calls)
    set(calls 0)
  endif()
  math(EXPR calls "${calls} + 1")
  set_property(TARGET ${target} PROPERTY LOCKSTEP_DISCOVER_MODELS_CALLS ${calls})
  set(base ${CMAKE_CURRENT_BINARY_DIR}/${target}_models_${calls})
  set(tests_file ${base}_tests.cmake)
  set(include_file ${base}_include.cmake)

  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS ${tests_file}
    COMMAND ${CMAKE_COMMAND}
            -D "TARGET=${target}"
            -D "EXECUTABLE=$<TARGET_FILE:${target}>"
            -D "EMULATOR=$<TARGET_PROPERTY:${target},CROSSCOMPILING_EMULATOR>"
            -D "WORKING_DIRECTORY=${arg_WORKING_DIRECTORY}"
            -D "TEST_PREFIX=${arg_TEST_PREFIX}"
            -D "TEST_SUFFIX=${arg_TEST_SUFFIX}"
            -D "EXTRA_ARGS=${arg_EXTRA_ARGS}"
            -D "PROPERTIES=${arg_PROPERTIES}"
            -D "TESTS_FILE=${tests_file}"
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/LockstepAddModelTests.cmake
    VERBATIM)

  # ctest reads this; until the target is built there is nothing to list, and
  # a placeholder test says so instead of silently running no model.
  file(WRITE ${include_file}
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()

# Builds tests/fuzz with clang (CXX) in WORK and fuzzes the token decoder and
# the replay path for SECONDS, from the seed tokens in corpus/ (copied: libFuzzer
# adds what it finds to its corpus directory).
file(REMOVE_RECURSE ${WORK})
if(NOT EXISTS "${CXX}")
  message(FATAL_ERROR "no clang '${CXX}' for the libFuzzer build (scripts/setup.sh installs clang++-15)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/build -DCMAKE_BUILD_TYPE=RelWithDebInfo
                        -DCMAKE_CXX_COMPILER=${CXX} -DLOCKSTEP_SOURCE=${LOCKSTEP} RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "configuring the fuzzer failed")
endif()
# In parallel: built serially under clang's fuzzing instrumentation, the library
# alone outlasted the test's timeout on a loaded CI machine.
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build --parallel ${cores}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "building the fuzzer failed:\n${out}")
endif()
file(COPY ${SOURCE}/corpus/ DESTINATION ${WORK}/corpus)
execute_process(COMMAND ${WORK}/build/token-fuzzer -max_total_time=${SECONDS} -malloc_limit_mb=512
                        -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 ${WORK}/corpus
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${out}")
message(STATUS "token fuzzer: ${runs}")
if(rc)
  message(FATAL_ERROR "the token fuzzer found an input the decoder or the replay mishandles:\n${out}")
endif()

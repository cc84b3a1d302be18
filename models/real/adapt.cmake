# Real open-source components, checked as Debian installs them
# (libreaderwriterqueue-dev, libthread-pool-dev) by the models real_*.cpp.
# Each header is copied into the build tree with one line added right after its
# namespace opens, `namespace std = ::lockstep::std_names;`, so the
# component's std::mutex, std::thread, std::atomic... are lockstep's and the
# rest of std stays std's (lockstep/std_names.hpp). A bug variant replaces one
# more piece of text (REPLACE from to), the injected bug.
set(LOCKSTEP_REAL_DIR ${CMAKE_CURRENT_BINARY_DIR}/real CACHE INTERNAL "The adapted headers of the real_* models")

function(lockstep_adapt_header input output)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "AFTER;PACKAGE" "REPLACE")  # AFTER: where the line goes, if any
  if(NOT EXISTS "${input}")
    message(FATAL_ERROR "${input} is missing: the real_* models check it as Debian ships it; "
                        "install ${arg_PACKAGE} (scripts/setup.sh does)")
  endif()
  file(READ "${input}" text)
  if(arg_AFTER)
    string(FIND "${text}" "${arg_AFTER}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${input}: '${arg_AFTER}' not found; lockstep adds its std names after it")
    endif()
    string(LENGTH "${arg_AFTER}" length)
    math(EXPR cut "${at} + ${length}")
    string(SUBSTRING "${text}" 0 ${cut} head)
    string(SUBSTRING "${text}" ${cut} -1 tail)
    # The variant's name keeps two copies of one header distinct (GCC's #pragma once
    # skips a second file with the same contents).
    get_filename_component(variant "${output}" DIRECTORY)
    get_filename_component(variant "${variant}" NAME)
    set(text "${head}namespace std = ::lockstep::std_names;  // added by lockstep (${variant})\n${tail}")
  endif()
  list(LENGTH arg_REPLACE n)
  set(i 0)
  while(i LESS n)
    math(EXPR j "${i} + 1")
    list(GET arg_REPLACE ${i} from)
    list(GET arg_REPLACE ${j} to)
    string(FIND "${text}" "${from}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "${input}: '${from}' not found for the injected bug of ${output}")
    endif()
    string(REPLACE "${from}" "${to}" text "${text}")
    math(EXPR i "${i} + 2")
  endwhile()
  # Rewritten only when it changes, so a re-configure does not rebuild the models.
  file(WRITE "${output}.new" "${text}")
  file(COPY_FILE "${output}.new" "${output}" ONLY_IF_DIFFERENT)
  file(REMOVE "${output}.new")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${input}")
endfunction()

set(rwq /usr/include/readerwriterqueue)
foreach(variant correct missing_fence)
  set(dir ${LOCKSTEP_REAL_DIR}/${variant})
  # readerwriterqueue.h includes "atomicops.h": both go to the variant's directory.
  lockstep_adapt_header(${rwq}/atomicops.h ${dir}/atomicops.h PACKAGE libreaderwriterqueue-dev
    AFTER "\nnamespace moodycamel {\n")
  if(variant STREQUAL correct)
    configure_file(${rwq}/readerwriterqueue.h ${dir}/readerwriterqueue.h COPYONLY)
  else()
    # The bug: the producer publishes the new tail without the release fence that
    # orders the element's construction before it.
    lockstep_adapt_header(${rwq}/readerwriterqueue.h ${dir}/readerwriterqueue.h PACKAGE libreaderwriterqueue-dev
      REPLACE "#endif\n\n\t\t\tfence(memory_order_release);\n\t\t\ttailBlock_->tail = nextBlockTail;"
              "#endif\n\n\t\t\t// the injected bug: no release fence here\n\t\t\ttailBlock_->tail = nextBlockTail;")
  endif()
endforeach()

set(pool /usr/include/thread_pool/thread_pool.hpp)
lockstep_adapt_header(${pool} ${LOCKSTEP_REAL_DIR}/correct/thread_pool.hpp PACKAGE libthread-pool-dev
  AFTER "\nnamespace thread_pool {\n")
# The bug: Done() sets the flag without the queue's lock, so a worker between
# checking it and waiting misses the notify and sleeps forever.
lockstep_adapt_header(${pool} ${LOCKSTEP_REAL_DIR}/unlocked_done/thread_pool.hpp PACKAGE libthread-pool-dev
  AFTER "\nnamespace thread_pool {\n"
  REPLACE "        std::unique_lock<std::mutex> lock(mutex);\n        is_done = true;"
          "        is_done = true;")

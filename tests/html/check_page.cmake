# The HTML failure pages as a browser shows them: lockstep-models (MODELS)
# writes its failure files into WORK, headless Chromium renders each page, and
# the rendered DOM must hold what a bug report needs: the model and failure in
# the title, the replay command, each thread's held locks and blocked-on object
# at the end, the values each step read and wrote, and paths relative to the
# project (never under ROOT, lockstep's source directory).
#
# Without a Chromium that runs, the test is skipped and says why (ctest shows
# it as skipped, never as passed); in CI (CI=true, as .ci/run runs) or with
# LOCKSTEP_REQUIRE_CHROMIUM=1 it fails instead: scripts/setup.sh installs it.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

set(required OFF)
if("$ENV{CI}" STREQUAL "true" OR "$ENV{LOCKSTEP_REQUIRE_CHROMIUM}" STREQUAL "1")
  set(required ON)
endif()
macro(cannot_check why)
  if(required)
    message(FATAL_ERROR "${why} (required here: CI or LOCKSTEP_REQUIRE_CHROMIUM=1; scripts/setup.sh installs Debian's chromium)")
  endif()
  message("LOCKSTEP-SKIP: the HTML pages were not checked in a browser: ${why}")
  return()
endmacro()

execute_process(COMMAND ${CMAKE_COMMAND} -E env LOCKSTEP_FAILURE_DIR=${WORK}/failures
                        ${MODELS} s08_ab_ba_deadlock s01_lost_update
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "lockstep-models did not give the expected verdicts:\n${out}")
endif()

find_program(CHROMIUM NAMES chromium chromium-browser google-chrome)
if(NOT CHROMIUM)
  cannot_check("no chromium on the PATH")
endif()

function(render name out_var)
  set(page ${WORK}/failures/lockstep-models.${name}.html)
  if(NOT EXISTS ${page})
    message(FATAL_ERROR "lockstep-models wrote no page ${page}")
  endif()
  execute_process(COMMAND ${CHROMIUM} --headless --no-sandbox --disable-gpu --disable-dev-shm-usage
                          --user-data-dir=${WORK}/profile --dump-dom file://${page}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 180)
  set(${out_var} "${dom}" PARENT_SCOPE)
  set(render_problem "" PARENT_SCOPE)
  if(rc OR NOT dom MATCHES "<html")
    set(render_problem "chromium (${CHROMIUM}) did not render ${page} (exit ${rc}):\n${err}" PARENT_SCOPE)
  endif()
endfunction()

set(problems "")
function(expect dom what)
  string(FIND "${dom}" "${what}" at)
  if(at EQUAL -1)
    set(problems "${problems}\n  missing: ${what}" PARENT_SCOPE)
  endif()
endfunction()
function(expect_match dom regex what)
  if(NOT dom MATCHES "${regex}")
    set(problems "${problems}\n  missing: ${what}" PARENT_SCOPE)
  endif()
endfunction()

# A deadlock: the title, the replay command (the report's own token), who holds what and waits for what.
render(s08_ab_ba_deadlock dom)
if(render_problem)
  cannot_check("${render_problem}")
endif()
file(READ ${WORK}/failures/lockstep-models.s08_ab_ba_deadlock.txt report)
string(REGEX MATCH "replay: ([^\n]+)" line "${report}")
set(command "${CMAKE_MATCH_1}")
expect("${dom}" "<title>lockstep: deadlock in s08_ab_ba_deadlock</title>")
expect("${dom}" "<h1 id=\"title\">deadlock in s08_ab_ba_deadlock</h1>")
expect("${dom}" "<pre id=\"replay\">${command}</pre>")
expect_match("${dom}" "<pre id=\"replay\">lockstep-models --replay s08_ab_ba_deadlock ls2-[A-Za-z0-9_-]+</pre>"
             "the replay command")
expect("${dom}" "<tr><td class=\"thread\">main</td><td class=\"holds\"></td><td class=\"blocked-on blocked\">T1</td>")
expect("${dom}" "<tr><td class=\"thread\">T1</td><td class=\"holds\">lock_a</td><td class=\"blocked-on blocked\">lock_b</td>")
expect("${dom}" "<tr><td class=\"thread\">T2</td><td class=\"holds\">lock_b</td><td class=\"blocked-on blocked\">lock_a</td>")
# One lane per thread: step 3 is T1's lock of lock_a, in the second lane, at a path relative to the project.
expect("${dom}" "<tr><th>step</th><th>main</th><th>T1</th><th>T2</th></tr>")
expect("${dom}" "<tr><td class=\"step\">3</td><td></td><td class=\"op\"><span class=\"operation\">lock</span> <span class=\"object\">lock_a</span><span class=\"where\">models/s08_s09_lock_order.cpp:19</span></td><td></td></tr>")
set(s08_dom "${dom}")

# An assertion on atomics: where it failed, and the values each step read and wrote.
render(s01_lost_update dom)
if(render_problem)
  cannot_check("${render_problem}")
endif()
expect("${dom}" "<title>lockstep: assertion in s01_lost_update</title>")
expect("${dom}" "<p id=\"location\">at <code>models/s01_lost_update.cpp:29</code></p>")
expect("${dom}" "<span class=\"operation\">load seq_cst -&gt; 0; read the initial value</span> <span class=\"object\">counter</span><span class=\"values\">read 0</span><span class=\"where\">models/s01_lost_update.cpp:20</span>")
expect("${dom}" "<span class=\"values\">wrote 1</span><span class=\"where\">models/s01_lost_update.cpp:21</span>")
expect_match("${dom}" "<tr><td class=\"thread\">T1</td><td class=\"holds\"></td><td class=\"blocked-on\"></td><td class=\"state\">finished</td></tr>"
             "T1 finished, holding nothing")

foreach(page_dom IN ITEMS "${s08_dom}" "${dom}")
  string(FIND "${page_dom}" "${ROOT}/" absolute)
  if(NOT absolute EQUAL -1)
    set(problems "${problems}\n  an absolute path under ${ROOT}")
  endif()
endforeach()

if(problems)
  message(FATAL_ERROR "the rendered pages lack what a bug report needs:${problems}\n\nrendered s08 page:\n${s08_dom}\n\nrendered s01 page:\n${dom}")
endif()
message(STATUS "both pages rendered in ${CHROMIUM} hold the title, replay command, threads, values and relative paths")

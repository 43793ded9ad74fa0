# The man-page-like help text of the package: `saluran --help` and the --help of every command
# and subcommand, run from the built binary, in one file (/usr/share/doc/saluran/saluran-help.txt).
#
#   cmake -DSALURAN=<binary> -DOUTPUT=<file.txt> -P help_text.cmake
#
# Commands are read from the "Subcommands:" section of each help (CLI11's layout: two spaces,
# the name, then its description), so a new command is in the text without a change here.

if(NOT SALURAN OR NOT OUTPUT)
  message(FATAL_ERROR "help_text.cmake: pass -DSALURAN=<binary> -DOUTPUT=<file.txt>")
endif()

# The --help text of `saluran ${words}`.
function(saluran_help words out_var)
  execute_process(COMMAND ${SALURAN} ${words} --help OUTPUT_VARIABLE text ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "saluran ${words} --help failed (${rc}): ${err}")
  endif()
  # CLI11 shows the path it was run as: show the installed name instead.
  string(REPLACE "${SALURAN}" "saluran" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# The command names listed under "Subcommands:" in a help text.
function(saluran_subcommands text out_var)
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(names "")
  set(in_list FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^Subcommands:")
      set(in_list TRUE)
    elseif(in_list AND line MATCHES "^  ([a-z][a-z0-9-]*)( |$)")
      list(APPEND names "${CMAKE_MATCH_1}")
    elseif(in_list AND NOT line MATCHES "^ ")
      set(in_list FALSE)
    endif()
  endforeach()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${SALURAN} --version OUTPUT_VARIABLE version
                OUTPUT_STRIP_TRAILING_WHITESPACE)
saluran_help("" top)
string(CONCAT doc
  "SALURAN(1)                        User Commands                        SALURAN(1)\n\n"
  "${version}: the --help of every command, as the program prints it.\n"
  "README.md beside this file explains the whole procedure.\n\n"
  "saluran\n=======\n\n${top}\n")
saluran_subcommands("${top}" commands)
foreach(cmd IN LISTS commands)
  saluran_help("${cmd}" text)
  string(CONCAT doc "${doc}" "saluran ${cmd}\n" "----------------------------------------\n\n"
         "${text}\n")
  saluran_subcommands("${text}" subs)
  foreach(sub IN LISTS subs)
    saluran_help("${cmd};${sub}" subtext)
    string(CONCAT doc "${doc}" "saluran ${cmd} ${sub}\n" "........................................\n\n"
           "${subtext}\n")
  endforeach()
endforeach()
file(WRITE "${OUTPUT}" "${doc}")

# Installation and the Debian package (`make package`: CPack's DEB generator on a release build).
#
#   /usr/bin/saluran                              the program
#   /lib/systemd/system/saluran-watch.service     the watch folder's unit (not enabled)
#   /etc/default/saluran                          its settings (a conffile: kept on upgrade)
#   /usr/share/saluran/presets/*.toml, README.md  the built-in presets, for reference (the
#                                                 program has them embedded)
#   /usr/share/doc/saluran/README.md              the README
#   /usr/share/doc/saluran/saluran-help.txt       every command's --help, made at build time
#
# Depends is worked out by dpkg-shlibdeps from the libraries the binary links (dpkg-dev), plus
# opencv-data (the face cascades, read from /usr/share/opencv4/haarcascades wherever saluran is
# installed) and adduser (the postinst makes the `saluran` user). The package lands in
# build/package/saluran_<version>_<arch>.deb; `apt install ./build/package/saluran_*.deb`.

# The help text, remade whenever the binary changes.
set(SALURAN_HELP_TEXT ${CMAKE_BINARY_DIR}/saluran-help.txt)
add_custom_command(
  OUTPUT ${SALURAN_HELP_TEXT}
  COMMAND ${CMAKE_COMMAND} -DSALURAN=$<TARGET_FILE:saluran> -DOUTPUT=${SALURAN_HELP_TEXT}
          -P ${CMAKE_SOURCE_DIR}/cmake/help_text.cmake
  DEPENDS saluran ${CMAKE_SOURCE_DIR}/cmake/help_text.cmake
  COMMENT "Writing saluran-help.txt from every command's --help"
  VERBATIM)
add_custom_target(saluran_help_text ALL DEPENDS ${SALURAN_HELP_TEXT})

install(TARGETS saluran RUNTIME DESTINATION bin)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/saluran-watch.service
        DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/saluran.default DESTINATION /etc/default
        RENAME saluran)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/presets/ DESTINATION share/saluran/presets
        FILES_MATCHING PATTERN "*.toml" PATTERN "README.md")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${SALURAN_HELP_TEXT} DESTINATION share/doc/saluran)
# BlazeFace's model (fetched by scripts/install-deps; the binary finds it beside itself under
# share/saluran/models/blazeface). Without it the package's Saluran uses the Haar cascades.
install(FILES ${CMAKE_SOURCE_DIR}/models/blazeface/face_detection_back_256x256_barracuda.onnx
              ${CMAKE_SOURCE_DIR}/models/blazeface/LICENSE
        DESTINATION share/saluran/models/blazeface OPTIONAL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME saluran)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_SOURCE_DIR}/build/package)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Turns field photos, videos and sound into ready posts for every public channel")
set(CPACK_PACKAGE_DESCRIPTION
    "Saluran takes what a communications office brings back from the field (cameras, drones,\n"
    "phones) into its library, makes every channel's files (website, YouTube, Facebook,\n"
    "Instagram, X, radio), checks them against each channel's limits, publishes and reads\n"
    "the posts back. `saluran watch` with the saluran-watch service runs all of it on each\n"
    "folder copied into an inbox.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "Saluran maintainers <saluran@localhost>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # saluran_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "opencv-data, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/postinst ${CMAKE_SOURCE_DIR}/packaging/prerm
    ${CMAKE_SOURCE_DIR}/packaging/postrm ${CMAKE_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

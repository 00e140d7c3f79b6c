# The Debian package (make package; tests/package_test.sh installs it in a clean Debian root):
# the binary in /usr/bin, the docs in /usr/share/doc/popreg, a systemd unit that runs
# `popreg serve` as the user popreg with the store in /var/lib/popreg, its options in
# /etc/default/popreg (a conffile), and the maintainer scripts of packaging/deb/ (the user, a
# store with a first admin, the unit enabled and started). Any build folder packages its own
# binary: make package the release build, the test suite the dev build it tests.
set(popreg_deb ${PROJECT_SOURCE_DIR}/packaging/deb)

install(TARGETS popreg RUNTIME DESTINATION bin)
# README's links to docs/ and api/ still work from /usr/share/doc/popreg/.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/popreg)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/popreg/docs
        FILES_MATCHING PATTERN "*.md")
if(EXISTS ${PROJECT_SOURCE_DIR}/api/openapi.yaml)
  install(FILES ${PROJECT_SOURCE_DIR}/api/openapi.yaml DESTINATION share/doc/popreg/api)
endif()
# Absolute: CPack puts them there whatever the prefix.
install(FILES ${popreg_deb}/popreg.service DESTINATION /lib/systemd/system)
install(FILES ${popreg_deb}/default DESTINATION /etc/default RENAME popreg)
# The example import profiles, where the office adds its departments' own (conffiles: an edited
# profile survives an upgrade); the unit offers them to uploads with --profiles-dir.
file(GLOB popreg_profiles ${PROJECT_SOURCE_DIR}/profiles/*.toml)
install(FILES ${popreg_profiles} DESTINATION /etc/popreg/profiles)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME popreg)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "popreg maintainers <popreg@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "population register reconciliation (register, web UI, API)")
# The long description, below the summary; CPack indents its lines and dots the empty one.
set(CPACK_PACKAGE_DESCRIPTION
    "popreg keeps a district's population register true: it links the lists the
departments hand over every month to the register despite typos, homophones,
traditional characters and date spellings, reports every discrepancy of the
city's exchange format, and carries the review of each through to the register.

This package runs popreg serve as the service popreg (user popreg, store in
/var/lib/popreg). A new installation creates the store with an admin whose
first password is in /var/lib/popreg/initial-admin-password.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # popreg_VERSION_amd64.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries by dpkg-shlibdeps (a sanitizer build names libasan and libubsan too); what is
# read at run time: OpenCC's dictionaries, the CJK fonts the PDFs embed, and adduser.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libopencc-data, fonts-noto-cjk")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${popreg_deb}/postinst ${popreg_deb}/prerm
    ${popreg_deb}/postrm ${popreg_deb}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  set(CPACK_STRIP_FILES ON)
endif()
set(POPREG_DEB_FILE popreg_${PROJECT_VERSION}_${CPACK_DEBIAN_PACKAGE_ARCHITECTURE}.deb)
include(CPack)

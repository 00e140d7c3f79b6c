# The PostgreSQL backend (src/store/postgres/), which talks to the server through libpq, and its
# tests against a real server that the tests start themselves (scripts/test-postgres).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
file(GLOB postgres_srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/store/postgres/*.cc)
file(GLOB postgres_tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/store/postgres/*_test.cc)
if(postgres_tests)
  list(REMOVE_ITEM postgres_srcs ${postgres_tests})
endif()
target_sources(popreg_store PRIVATE ${postgres_srcs})
target_link_libraries(popreg_store PUBLIC PkgConfig::LIBPQ)

if(POPREG_TESTS)
  # One server per build folder, started once per ctest run by the fixture postgres_server:
  # ctest runs postgres_server_start before the first test that requires it and
  # postgres_server_stop after the last. Its folder (data, log and socket) is in /tmp, named
  # after the build folder, because a unix socket path must stay short and, when the tests run
  # as root, the server runs as the postgres user, who must be able to reach the folder.
  string(MD5 popreg_pg_hash "${CMAKE_BINARY_DIR}")
  string(SUBSTRING "${popreg_pg_hash}" 0 12 popreg_pg_hash)
  set(POPREG_TEST_PG_DIR "/tmp/popreg-pg-${popreg_pg_hash}")
  set(POPREG_TEST_DB_URL_BASE "postgresql://popreg@%2Ftmp%2Fpopreg-pg-${popreg_pg_hash}")
  set(popreg_pg_env "POPREG_TEST_DB_URL_BASE=${POPREG_TEST_DB_URL_BASE}")

  add_test(NAME postgres_server_start
           COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/test-postgres start ${POPREG_TEST_PG_DIR})
  set_tests_properties(postgres_server_start PROPERTIES FIXTURES_SETUP postgres_server
                       TIMEOUT 120)
  add_test(NAME postgres_server_stop
           COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/test-postgres stop ${POPREG_TEST_PG_DIR})
  set_tests_properties(postgres_server_stop PROPERTIES FIXTURES_CLEANUP postgres_server)

  # The store's tests a second time, each store a database on that server (see
  # src/store/store_test_util.h), named postgres_store/SUITE.TEST. Left out: suites that work on
  # SQLite files directly (StoreTest, CrashTest: their PostgreSQL counterparts are in
  # src/store/postgres/postgres_store_test.cc) and suites without a store.
  gtest_discover_tests(store_test TEST_PREFIX "postgres_store/"
                       TEST_FILTER "-StoreTest.*:CrashTest.*:ProfileTest.*:DatePatternTest.*"
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                                  FIXTURES_REQUIRED postgres_server)

  # What only PostgreSQL has: URLs, the server's errors, a killed client, the write lock.
  add_executable(postgres_store_test ${postgres_tests})
  target_link_libraries(postgres_store_test PRIVATE popreg_store GTest::gtest_main)
  gtest_discover_tests(postgres_store_test TEST_PREFIX "postgres_store/"
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                                  FIXTURES_REQUIRED postgres_server)

  # The end-to-end store test through the binary, on PostgreSQL.
  add_test(NAME cli_store_postgres
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli_store_test.sh $<TARGET_FILE:popreg>)
  set_tests_properties(cli_store_postgres PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                       FIXTURES_REQUIRED postgres_server TIMEOUT 600)
endif()

if(POPREG_TESTS)
  # The comparison end to end through the binary, on PostgreSQL.
  add_test(NAME cli_compare_postgres
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli_compare_test.sh $<TARGET_FILE:popreg>
                   ${PROJECT_SOURCE_DIR}/../shared)
  set_tests_properties(cli_compare_postgres PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                       FIXTURES_REQUIRED postgres_server TIMEOUT 900)

  # The comparison on 2 and 4 MPI ranks against one process, on PostgreSQL.
  add_test(NAME cli_dist_postgres
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli_dist_test.sh $<TARGET_FILE:popreg>
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_dist_postgres PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                       FIXTURES_REQUIRED postgres_server TIMEOUT 1200)

  # The review workflow end to end through the binary, on PostgreSQL.
  add_test(NAME cli_review_postgres
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli_review_test.sh $<TARGET_FILE:popreg>
                   ${PROJECT_SOURCE_DIR}/../shared)
  set_tests_properties(cli_review_postgres PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                       FIXTURES_REQUIRED postgres_server TIMEOUT 1200)
  # An apply killed mid-batch and after a commit, on PostgreSQL.
  add_test(NAME cli_apply_crash_postgres
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli_apply_crash_test.sh $<TARGET_FILE:popreg>)
  set_tests_properties(cli_apply_crash_postgres PROPERTIES ENVIRONMENT "${popreg_pg_env}"
                       FIXTURES_REQUIRED postgres_server TIMEOUT 900)
endif()

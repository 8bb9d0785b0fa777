# exhunt.exe: hunt (a folder, or this server when no folder is named) and
# lab host. The scanner, store, report and notify need libraries that have
# no Windows build here (OpenSSL, c-ares, libpq, libcurl) and stay Linux
# only. SHA-256 comes from the Windows API (bcrypt), threads from
# winpthreads, YARA, libevtx, libregf, libfsntfs (disk images, and files
# the system holds locked, read through the raw volume), libewf, libvhdi
# and libvshadow (disk images and their shadow copies) from
# tools/win/deps.sh.
find_package(PkgConfig REQUIRED)
pkg_check_modules(YARA REQUIRED yara)
pkg_check_modules(EVTX REQUIRED libevtx)
pkg_check_modules(REGF REQUIRED libregf)
pkg_check_modules(FSNTFS REQUIRED libfsntfs)
pkg_check_modules(EWF REQUIRED libewf)
pkg_check_modules(VHDI REQUIRED libvhdi)
pkg_check_modules(VSHADOW REQUIRED libvshadow)
set(ZLIB_USE_STATIC_LIBS ON)
find_package(ZLIB REQUIRED)

add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wvla -Wformat=2 -Wno-unused-parameter
  -Wno-format-nonliteral
  # The printf archetype means Microsoft's printf to mingw's GCC (no %zu),
  # though __USE_MINGW_ANSI_STDIO gives the C99 one at run time: formats
  # are checked by the Linux build.
  -Wno-format)
# 64-bit file offsets; Windows 10's API; UTF-8 and the C99 printf.
add_compile_options(-include ${CMAKE_SOURCE_DIR}/src/base/win.h)
add_compile_definitions(_GNU_SOURCE _FILE_OFFSET_BITS=64 _WIN32_WINNT=0x0A00
  __USE_MINGW_ANSI_STDIO=1 UNICODE _UNICODE EXHUNT_WINDOWS=1)
add_compile_options(-ffile-prefix-map=${CMAKE_SOURCE_DIR}=.
  -ffile-prefix-map=${CMAKE_BINARY_DIR}=build)

include(${CMAKE_SOURCE_DIR}/cmake/embedded.cmake)

set(S ${CMAKE_SOURCE_DIR}/src)
add_executable(exhunt
  ${S}/base/array.c ${S}/base/buf.c ${S}/base/csv.c ${S}/base/file.c
  ${S}/base/json.c ${S}/base/jsonr.c ${S}/base/log.c ${S}/base/text.c
  ${S}/base/timefmt.c ${S}/base/view.c ${S}/base/win.c ${S}/base/sig.c
  ${S}/hunt/child_win.c ${S}/hunt/child.c
  ${S}/hunt/detect_config.c ${S}/hunt/detect_events.c
  ${S}/hunt/detect_files.c ${S}/hunt/detect_hives.c ${S}/hunt/detect_logs.c
  ${S}/hunt/event.c ${S}/hunt/evtx_child.c ${S}/hunt/hive_child.c
  ${S}/hunt/hunt.c ${S}/hunt/logread.c ${S}/hunt/report.c ${S}/hunt/script.c
  ${S}/hunt/walk.c ${S}/hunt/walk_win.c ${S}/hunt/live_win.c
  ${S}/hunt/ntfs_win.c ${S}/hunt/image.c ${S}/hunt/image_child.c
  ${S}/hunt/ptable.c ${S}/hunt/screnc.c ${S}/hunt/webreq.c
  ${S}/lab/host.c ${S}/lab/host_win.c ${S}/lab/evtx_write.c
  ${S}/lab/regf_write.c
  ${S}/cli/main.c ${S}/cli/args.c ${S}/cli/cmd_hunt.c ${S}/cli/cmd_labhost.c
  ${EMBED_C})
target_include_directories(exhunt PRIVATE ${S} ${YARA_INCLUDE_DIRS}
  ${EVTX_INCLUDE_DIRS} ${REGF_INCLUDE_DIRS} ${FSNTFS_INCLUDE_DIRS}
  ${EWF_INCLUDE_DIRS} ${VHDI_INCLUDE_DIRS} ${VSHADOW_INCLUDE_DIRS})
# One .exe to copy: everything static, the C runtime and winpthreads too.
target_link_options(exhunt PRIVATE -static -municode)
target_link_libraries(exhunt PRIVATE ${YARA_STATIC_LDFLAGS}
  ${EVTX_STATIC_LDFLAGS} ${REGF_STATIC_LDFLAGS} ${FSNTFS_STATIC_LDFLAGS}
  ${EWF_STATIC_LDFLAGS} ${VHDI_STATIC_LDFLAGS} ${VSHADOW_STATIC_LDFLAGS}
  ZLIB::ZLIB bcrypt advapi32
  -Wl,-Bstatic pthread)

# A test helper (tests/win/): holds a file open for writing, denying other
# writers, as a running service holds its logs.
add_executable(holdopen ${CMAKE_SOURCE_DIR}/tests/win/holdopen.c)
target_link_options(holdopen PRIVATE -static -municode)

# A test helper (tests/win/): the walk's report names (win_name_utf8) for
# names wine cannot create.
add_executable(win_names ${CMAKE_SOURCE_DIR}/tests/win/names.c
  ${S}/base/win.c)
target_include_directories(win_names PRIVATE ${S})
target_link_options(win_names PRIVATE -static -municode)
target_link_libraries(win_names PRIVATE bcrypt)

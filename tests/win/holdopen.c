/* holdopen.exe FILE TEXT: creates FILE, writes TEXT, and keeps it open
 * for writing, sharing it for reading only (as a service holds a log it
 * writes), until killed. holdopen.exe --lock FILE: keeps the existing
 * FILE open sharing nothing (as the event log service holds its logs).
 * Prints "held" once it holds it. holdopen.exe --surrogate DIR TEXT:
 * below. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
	HANDLE h;
	DWORD n;
	char text[4096];

	if (argc == 4 && wcscmp(argv[1], L"--surrogate") == 0) {
		/* holdopen.exe --surrogate DIR TEXT: writes TEXT to a file in
		 * DIR whose name holds a lone surrogate (x<U+D800>y.aspx), a
		 * name NTFS allows and UTF-16 does not; prints "made" */
		wchar_t name[4096];
		swprintf(name, 4096, L"%ls\\x%lcy.aspx", argv[2],
		         (wchar_t)0xD800);
		h = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0,
		                NULL);
		if (h == INVALID_HANDLE_VALUE)
			return 1;
		WideCharToMultiByte(CP_UTF8, 0, argv[3], -1, text, sizeof text,
		                    NULL, NULL);
		WriteFile(h, text, (DWORD)strlen(text), &n, NULL);
		CloseHandle(h);
		puts("made");
		return 0;
	}
	if (argc != 3)
		return 2;
	if (wcscmp(argv[1], L"--lock") == 0) {
		h = CreateFileW(argv[2], GENERIC_READ | GENERIC_WRITE, 0, NULL,
		                OPEN_EXISTING, 0, NULL);
		if (h == INVALID_HANDLE_VALUE)
			return 1;
	} else {
		h = CreateFileW(argv[1], GENERIC_WRITE, FILE_SHARE_READ, NULL,
		                CREATE_ALWAYS, 0, NULL);
		if (h == INVALID_HANDLE_VALUE)
			return 1;
		WideCharToMultiByte(CP_UTF8, 0, argv[2], -1, text, sizeof text,
		                    NULL, NULL);
		WriteFile(h, text, (DWORD)strlen(text), &n, NULL);
		FlushFileBuffers(h);
	}
	printf("held\n");
	fflush(stdout);
	Sleep(INFINITE);
	return 0;
}

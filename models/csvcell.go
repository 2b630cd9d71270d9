package models

import "strings"

// Spreadsheets run a cell that starts with one of these as a formula
// (OWASP "CSV injection").
const formulaStarts = "=+-@\t\r"

func needsGuard(s string) bool {
	for s != "" {
		if strings.IndexByte(formulaStarts, s[0]) >= 0 {
			return true
		}
		if s[0] != '\'' {
			return false
		}
		s = s[1:]
	}
	return false
}

// GuardCell neutralises a text cell a spreadsheet would run as a formula by
// prefixing an apostrophe, which spreadsheets show as text. A cell that
// already starts with apostrophes before such a character gets one more, so
// UnguardCell can always undo exactly what GuardCell did.
func GuardCell(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// UnguardCell undoes GuardCell when reading back a file we wrote.
func UnguardCell(s string) string {
	if strings.HasPrefix(s, "'") && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}

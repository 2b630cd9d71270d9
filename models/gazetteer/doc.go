// Package gazetteer owns the embedded list of countries and of their
// first-level administrative regions (ISO 3166-1 and ISO 3166-2), and the
// folding of names that lets what people type ("MENAKA", "Timbuktu",
// "ml-9", "Cote dIvoire") be matched against them.
//
// The data ships inside the binary: regions.csv and countries.csv beside
// this file, and capitals.csv with the seat of every region for maps, with
// SOURCES.md naming where every row comes from. A region
// that ISO has not coded carries an empty code rather than an invented one,
// because a stored code is evidence and must be checkable against ISO.
//
// Countries come from github.com/biter777/countries (withdrawn codes such
// as AN and YU excluded), corrected and extended by countries.csv.
// Regions are given for the host countries of UN peace operations; Covers
// tells whether a country has any, so callers can accept free text for the
// others instead of rejecting it.
//
// Every index is built once, when the package is initialised, and is never
// written afterwards, so all functions are safe for concurrent use.
package gazetteer

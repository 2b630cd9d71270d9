package gazetteer_test

import (
	"testing"

	"incidentdb/models/gazetteer"
)

// TestACLEDNames checks the admin1 and country names ACLED exports use for
// the host countries of UN peace operations.
func TestACLEDNames(t *testing.T) {
	cases := map[string][]string{
		"ML": {"Bamako", "Gao", "Kayes", "Kidal", "Koulikoro", "Menaka", "Mopti", "Segou", "Sikasso", "Timbuktu", "Taoudeni", "Tombouctou"},
		"CF": {"Bamingui-Bangoran", "Bangui", "Basse-Kotto", "Haut-Mbomou", "Haute-Kotto", "Kemo", "Lobaye", "Mambere-Kadei", "Mbomou", "Nana-Grebizi", "Nana-Mambere", "Ombella-M'Poko", "Ouaka", "Ouham", "Ouham-Pende", "Sangha-Mbaere", "Vakaga"},
		"CD": {"Kinshasa", "Kongo-Central", "Kwango", "Kwilu", "Mai-Ndombe", "Kasai", "Kasai-Central", "Kasai-Oriental", "Lomami", "Sankuru", "Maniema", "South Kivu", "North Kivu", "Ituri", "Haut-Uele", "Tshopo", "Bas-Uele", "Nord-Ubangi", "Mongala", "Sud-Ubangi", "Equateur", "Tshuapa", "Tanganyika", "Haut-Lomami", "Lualaba", "Haut-Katanga"},
		"SS": {"Central Equatoria", "Eastern Equatoria", "Jonglei", "Lakes", "Northern Bahr el Ghazal", "Unity", "Upper Nile", "Warrap", "Western Bahr el Ghazal", "Western Equatoria"},
		"LB": {"Beirut", "Mount Lebanon", "North", "South", "Bekaa", "Nabatieh", "Akkar", "Baalbek-Hermel", "Keserwan-Jbeil"},
		"SD": {"Khartoum", "North Darfur", "South Darfur", "West Darfur", "Central Darfur", "East Darfur", "South Kordofan", "West Kordofan", "North Kordofan", "Blue Nile", "Abyei"},
	}
	for c, names := range cases {
		for _, n := range names {
			if _, ok := gazetteer.LookupRegion(c, n); !ok {
				t.Errorf("%s: %q", c, n)
			}
		}
	}
	for _, n := range []string{"Democratic Republic of Congo", "Central African Republic", "South Sudan", "Mali", "Burkina Faso", "Niger", "Lebanon", "Cyprus", "Sudan", "Syria", "Western Sahara", "Republic of Congo", "Ivory Coast", "Tanzania", "Iran", "Russia"} {
		if _, ok := gazetteer.LookupCountry(n); !ok {
			t.Errorf("country %q", n)
		}
	}
}

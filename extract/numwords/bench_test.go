package numwords_test

import (
	"testing"

	"incidentdb/extract/numwords"
)

// The statements below are synthetic: written for this benchmark in the
// manner of UN press statements, about no real event.
const (
	statementEN = `The members of the Security Council condemned in the strongest terms the attack ` +
		`perpetrated on 24 November 2017 against a convoy of the United Nations Multidimensional ` +
		`Integrated Stabilization Mission in Mali (MINUSMA) near Ménaka, in which three peacekeepers ` +
		`from Niger were killed and at least twenty-one others were wounded, two of them seriously. ` +
		`A Malian soldier and a civilian contractor also lost their lives. The members of the Council ` +
		`noted that more than 20 attacks against peacekeepers had been reported since 1 October, and ` +
		`that some 1,200 people had been displaced by the fighting. Several assailants were killed, and ` +
		`between 10 and 12 were detained. One of the wounded peacekeepers was evacuated to Gao. The ` +
		`members of the Council expressed their deepest condolences to the families of the victims and ` +
		`to the Government of Niger, recalled resolution 2391 (2017), and underlined that no fewer than ` +
		`146 peacekeepers have lost their lives in Mali since 2013, dozens of them in the past year.`
	statementFR = `Les membres du Conseil de sécurité ont condamné dans les termes les plus vigoureux ` +
		`l'attaque perpétrée le 24 novembre 2017 contre un convoi de la Mission multidimensionnelle ` +
		`intégrée des Nations Unies pour la stabilisation au Mali (MINUSMA) près de Ménaka, au cours de ` +
		`laquelle trois Casques bleus nigériens ont été tués et au moins vingt et un autres blessés, ` +
		`dont deux grièvement. Un soldat malien et un civil ont également perdu la vie. Ils ont noté que ` +
		`plus de 20 attaques contre des Casques bleus avaient été signalées depuis le 1er octobre, et que ` +
		`quelque 1 200 personnes avaient été déplacées par les combats. Plusieurs assaillants ont été ` +
		`tués, et entre 10 et 12 ont été arrêtés. L'un des Casques bleus blessés a été évacué vers Gao. ` +
		`Les membres du Conseil ont présenté leurs plus sincères condoléances aux familles des victimes ` +
		`et au Gouvernement nigérien, rappelé la résolution 2391 (2017), et souligné que pas moins de ` +
		`cent quarante-six Casques bleus ont perdu la vie au Mali depuis 2013, dont des dizaines l'an passé.`
)

// BenchmarkFind reads one statement per operation: ns/op is the cost of
// a statement, ns/number that of each count in it.
func BenchmarkFind(b *testing.B) {
	for _, c := range []struct{ lang, text string }{{"en", statementEN}, {"fr", statementFR}} {
		b.Run(c.lang, func(b *testing.B) {
			count := len(numwords.Find(c.text, c.lang))
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				numwords.Find(c.text, c.lang)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(count), "ns/number")
		})
	}
}

// TestStatements pins what the benchmark statements hold, so the figure
// above measures the reading it claims to.
func TestStatements(t *testing.T) {
	checkFind(t, "en", []findCase{{statementEN, []want{
		exact("three", 3), atLeast("at least twenty-one", 21), exact("two", 2), exact("A", 1), exact("a", 1),
		atLeast("more than 20", 21), approx("some 1,200", 1200), unknown("Several"), between("between 10 and 12", 10, 12),
		exact("2391", 2391), exact("2017", 2017), atLeast("no fewer than 146", 146), exact("2013", 2013), unknown("dozens"),
	}}})
	checkFind(t, "fr", []findCase{{statementFR, []want{
		exact("trois", 3), atLeast("au moins vingt et un", 21), exact("deux", 2), exact("Un", 1),
		exact("un", 1), atLeast("plus de 20", 21), approx("quelque 1 200", 1200), unknown("Plusieurs"),
		between("entre 10 et 12", 10, 12), exact("2391", 2391), exact("2017", 2017),
		atLeast("pas moins de cent quarante-six", 146), exact("2013", 2013), unknown("des dizaines"),
	}}})
}

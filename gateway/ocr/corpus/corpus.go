// Package corpus generates labelled certificates for tuning and measuring
// the recognition of gateway/ocr: certificates of origin and quarantine
// certificates laid out like the real forms, with a red seal stamped over
// text, and scanned (skew, blur, noise, JPEG artefacts) into PNG, JPEG and
// scanned PDF files, or written as PDFs with a text layer. Generation is
// deterministic by seed; the held-out set draws values and layout offsets
// the tuning set never shows.
package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"

	"zonetrace/chaincode/model"
)

// DefaultFont is the CJK font pages are drawn with (Debian's
// fonts-droid-fallback).
const DefaultFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// LatinFonts are the fonts of Latin text (Debian's fonts-dejavu-core), a
// sans and a serif face as certificates are typeset in either; the CJK
// font has no Latin glyphs.
var LatinFonts = []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"}

// Set selects the value pools and layout jitter.
type Set int

const (
	Tuning Set = iota
	HeldOut
)

// Formats of a sample file.
const (
	FormatPNG     = "png"
	FormatJPEG    = "jpeg"
	FormatScanPDF = "scan_pdf"
	FormatTextPDF = "text_pdf"
)

// Formats lists the formats in the order samples cycle through them.
var Formats = []string{FormatPNG, FormatJPEG, FormatScanPDF, FormatTextPDF}

// Truth is what a certificate says: the labels of a sample.
type Truth struct {
	Kind    string
	Origin  string // ISO code, certificates of origin
	BatchNo string // quarantine certificates, like Result and Date
	Result  string
	Date    string
}

// Sample is one generated certificate file.
type Sample struct {
	Name        string
	Truth       Truth
	Format      string
	ContentType string
	Content     []byte
	// Scan is how a scanned sample was degraded (zero for a text PDF),
	// for breaking the measured errors down by distortion.
	Scan Scan
}

// Scan records the degradations of one scanned sample.
type Scan struct {
	SkewDeg     float64
	Blur        bool
	NoiseSigma  float64
	JPEGQuality int // 0: PNG, lossless
	// SealOver names the fields whose value the seal is stamped over.
	SealOver []string
}

// Generator draws samples with one font.
type Generator struct {
	FontPath string
	once     sync.Once
	font     *opentype.Font
	latin    []*opentype.Font
	fontRaw  []byte
	err      error
	mu       sync.Mutex
	faces    map[faceKey]font.Face
}

// Check reports whether the fonts can be loaded: tests skip without them.
func (g *Generator) Check() error { return g.load() }

func (g *Generator) load() error {
	g.once.Do(func() {
		path := g.FontPath
		if path == "" {
			path = DefaultFont
		}
		if g.fontRaw, g.err = os.ReadFile(path); g.err != nil { //nolint:gosec // G304: the font named by the generator's caller, or DefaultFont
			g.err = fmt.Errorf("corpus: font: %w", g.err)
			return
		}
		if g.font, g.err = opentype.Parse(g.fontRaw); g.err != nil {
			g.err = fmt.Errorf("corpus: font %s: %w", path, g.err)
			return
		}
		for _, path := range LatinFonts {
			raw, err := os.ReadFile(path) //nolint:gosec // G304: one of the constant LatinFonts
			if err != nil {
				g.err = fmt.Errorf("corpus: font: %w", err)
				return
			}
			f, err := opentype.Parse(raw)
			if err != nil {
				g.err = fmt.Errorf("corpus: font %s: %w", path, err)
				return
			}
			g.latin = append(g.latin, f)
		}
	})
	return g.err
}

// Generate returns n samples of set from seed: certificates of origin and
// quarantine certificates alternately, cycling through the formats.
func (g *Generator) Generate(set Set, seed uint64, n int) ([]Sample, error) {
	out := make([]Sample, 0, n)
	for i := range n {
		s, err := g.One(set, seed, i)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// One returns sample i of set from seed, the same every time.
func (g *Generator) One(set Set, seed uint64, i int) (Sample, error) {
	if err := g.load(); err != nil {
		return Sample{}, err
	}
	r := rand.New(rand.NewPCG(seed, uint64(set)<<32|uint64(i))) //nolint:gosec // G404: a seeded generator by design: a seed gives the same samples
	held := set == HeldOut
	p := tuningPools
	if held {
		p = heldOutPools
	}
	kind := model.AttachmentOriginCertificate
	if i%2 == 1 {
		kind = model.AttachmentQuarantineCertificate
	}
	format := Formats[(i/2)%len(Formats)]
	t := newTruth(r, kind, p)
	var pg page
	if kind == model.AttachmentOriginCertificate {
		pg = originPage(r, t, p, held)
	} else {
		pg = quarantinePage(r, t, p, held)
	}
	s := Sample{Name: fmt.Sprintf("%s-%d-%03d-%s", map[Set]string{Tuning: "tuning", HeldOut: "heldout"}[set], seed, i, format),
		Truth: t, Format: format}
	var err error
	switch format {
	case FormatTextPDF:
		s.ContentType = "application/pdf"
		s.Content, err = g.textPDF(pg)
	default:
		latin := 1 + r.IntN(len(g.latin))
		s.Scan.SealOver = g.sealOver(pg, latin)
		var img *image.RGBA
		img, s.Scan.SkewDeg, s.Scan.Blur, s.Scan.NoiseSigma = scan(r, g.raster(pg, latin))
		switch format {
		case FormatPNG:
			s.ContentType = "image/png"
			var buf bytes.Buffer
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
			s.Content = buf.Bytes()
		case FormatJPEG:
			s.ContentType = "image/jpeg"
			s.Scan.JPEGQuality = 35 + r.IntN(40)
			s.Content, err = jpegOf(img, s.Scan.JPEGQuality)
		case FormatScanPDF:
			s.ContentType = "application/pdf"
			var j []byte
			s.Scan.JPEGQuality = 45 + r.IntN(30)
			if j, err = jpegOf(img, s.Scan.JPEGQuality); err == nil {
				s.Content, err = scanPDF(j)
			}
		}
	}
	if err != nil {
		return Sample{}, fmt.Errorf("corpus: %s: %w", s.Name, err)
	}
	return s, nil
}

var ink = color.RGBA{25, 25, 30, 255}

// raster draws a page as a clean image.
func (g *Generator) raster(pg page, latin int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, PageWidth, PageHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, t := range pg.Texts {
		g.draw(img, t, ink, latin)
	}
	for _, l := range pg.Rules {
		// Rules are across or down the page, two pixels wide.
		draw.Draw(img, image.Rect(int(l.X0), int(l.Y0), int(l.X1)+2, int(l.Y1)+2), image.NewUniform(ink), image.Point{}, draw.Src)
	}
	if pg.Seal != nil {
		g.stamp(img, *pg.Seal, latin)
	}
	return img
}

// face is the face of a run at size pixels: Latin font number latin
// (from 1) for Latin text, the CJK font (latin 0) for the rest.
func (g *Generator) face(latin int, size float64) font.Face {
	key := faceKey{latin, math.Round(size)}
	g.mu.Lock()
	defer g.mu.Unlock()
	if f := g.faces[key]; f != nil {
		return f
	}
	if g.faces == nil {
		g.faces = map[faceKey]font.Face{}
	}
	f := g.font
	if latin > 0 {
		f = g.latin[latin-1]
	}
	face, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: key.size, DPI: 72, Hinting: font.HintingFull})
	g.faces[key] = face
	return face
}

type faceKey struct {
	latin int
	size  float64
}

func (g *Generator) draw(dst draw.Image, t text, c color.Color, latin int) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Dot: fixed.Point26_6{X: fixed.I(int(t.X)), Y: fixed.I(int(t.Y))}}
	for _, run := range runs(t.S) {
		d.Face = g.face(latinOf(run, latin), t.Size)
		d.DrawString(run.s)
	}
}

func latinOf(run textRun, latin int) int {
	if run.latin {
		return latin
	}
	return 0
}

func (g *Generator) width(s string, size float64, latin int) float64 {
	var w fixed.Int26_6
	for _, run := range runs(s) {
		w += font.MeasureString(g.face(latinOf(run, latin), size), run.s)
	}
	return float64(w.Round())
}

// stamp presses a red seal onto img: ink multiplies with what is under it,
// so text below stays visible through it, as on paper.
func (g *Generator) stamp(img *image.RGBA, s seal, latin int) {
	red := color.RGBA{215, 35, 45, 255}
	seal := image.NewRGBA(img.Bounds())
	mark := func(x, y int) {
		if image.Pt(x, y).In(seal.Bounds()) {
			seal.SetRGBA(x, y, red)
		}
	}
	for y := int(s.Y - s.R - 2); y <= int(s.Y+s.R+2); y++ {
		for x := int(s.X - s.R - 2); x <= int(s.X+s.R+2); x++ {
			d := math.Hypot(float64(x)-s.X, float64(y)-s.Y)
			if (d <= s.R && d >= s.R-6) || (d <= s.R-12 && d >= s.R-14) {
				mark(x, y)
			}
		}
	}
	// A five-pointed star in the middle.
	for k := range 5 {
		a := float64(k)*2*math.Pi/5 - math.Pi/2
		for t := 0.0; t <= 1; t += 0.01 {
			b := a + 4*math.Pi/5
			x := s.X + (1-t)*math.Cos(a)*s.R*0.3 + t*math.Cos(b)*s.R*0.3
			y := s.Y + (1-t)*math.Sin(a)*s.R*0.3 + t*math.Sin(b)*s.R*0.3
			for dx := -2; dx <= 2; dx++ {
				for dy := -2; dy <= 2; dy++ {
					mark(int(x)+dx, int(y)+dy)
				}
			}
		}
	}
	size := s.R * 0.22
	g.draw(seal, text{X: s.X - g.width(s.Words, size, latin)/2, Y: s.Y + s.R*0.55, Size: size, S: s.Words}, red, latin)
	b := seal.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := seal.RGBAAt(x, y)
			if c.A == 0 {
				continue
			}
			p := img.RGBAAt(x, y)
			img.SetRGBA(x, y, color.RGBA{uint8(int(p.R) * int(c.R) / 255), uint8(int(p.G) * int(c.G) / 255), uint8(int(p.B) * int(c.B) / 255), 255})
		}
	}
}

// scan degrades a clean page as a scanner or a phone camera does: a skew of
// up to ±3°, sometimes blur, grey paper, sensor noise and specks. It
// returns the scan, its skew, whether it was blurred and the noise's sigma.
func scan(r *rand.Rand, clean *image.RGBA) (*image.RGBA, float64, bool, float64) {
	b := clean.Bounds()
	out := image.NewRGBA(b)
	paper := uint8(235 + r.IntN(20))
	draw.Draw(out, b, image.NewUniform(color.RGBA{paper, paper, paper - 4, 255}), image.Point{}, draw.Src)
	deg := (r.Float64()*2 - 1) * 3
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2+float64(r.IntN(21)-10), float64(b.Dy())/2+float64(r.IntN(21)-10)
	m := f64.Aff3{c, -s, cx - c*cx + s*cy, s, c, cy - s*cx - c*cy}
	// Multiply the page onto the paper tone.
	rot := image.NewRGBA(b)
	draw.Draw(rot, b, image.White, image.Point{}, draw.Src)
	draw.BiLinear.Transform(rot, m, clean, b, draw.Over, nil)
	blur := r.IntN(2) == 0
	if blur {
		rot = boxBlur(rot)
	}
	sigma := 4 + r.Float64()*10
	for i := 0; i < len(out.Pix); i += 4 {
		n := r.NormFloat64() * sigma
		for k := range 3 {
			v := float64(out.Pix[i+k]) * float64(rot.Pix[i+k]) / 255
			out.Pix[i+k] = uint8(math.Max(0, math.Min(255, v+n)))
		}
	}
	for range 300 + r.IntN(900) {
		x, y := r.IntN(b.Dx()), r.IntN(b.Dy())
		v := uint8(r.IntN(80))
		out.SetRGBA(x, y, color.RGBA{v, v, v, 255})
	}
	return out, deg, blur, sigma
}

// sealOver names the fields whose value text the page's seal overlaps.
func (g *Generator) sealOver(pg page, latin int) []string {
	var out []string
	if pg.Seal == nil {
		return nil
	}
	for _, t := range pg.Texts {
		if t.Field == "" {
			continue
		}
		// The text's box: from the baseline up by its size, as wide as drawn.
		x0, x1 := t.X, t.X+g.width(t.S, t.Size, latin)
		y0, y1 := t.Y-t.Size, t.Y+t.Size*0.25
		nx, ny := math.Max(x0, math.Min(pg.Seal.X, x1)), math.Max(y0, math.Min(pg.Seal.Y, y1))
		if math.Hypot(nx-pg.Seal.X, ny-pg.Seal.Y) <= pg.Seal.R {
			out = append(out, t.Field)
		}
	}
	return out
}

func boxBlur(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(b)
	w, h := b.Dx(), b.Dy()
	for y := range h {
		for x := range w {
			var sum [3]int
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					i := yy*src.Stride + xx*4
					sum[0] += int(src.Pix[i])
					sum[1] += int(src.Pix[i+1])
					sum[2] += int(src.Pix[i+2])
					n++
				}
			}
			i := y*out.Stride + x*4
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(sum[0]/n), uint8(sum[1]/n), uint8(sum[2]/n), 255
		}
	}
	return out
}

func jpegOf(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	return buf.Bytes(), err
}

// mmPerPixel maps the 150 dpi page onto A4 in millimetres.
const mmPerPixel = 210.0 / PageWidth

// pdfDate stamps the generated PDFs, so that a seed gives the same bytes
// whenever it is run.
var pdfDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newPDF() *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(pdfDate)
	pdf.SetModificationDate(pdfDate)
	return pdf
}

// scanPDF wraps a scanned page in a PDF, as a scanner's "scan to PDF" does.
func scanPDF(jpg []byte) ([]byte, error) {
	pdf := newPDF()
	pdf.AddPage()
	opts := fpdf.ImageOptions{ImageType: "JPG"}
	pdf.RegisterImageOptionsReader("scan", opts, bytes.NewReader(jpg))
	pdf.ImageOptions("scan", 0, 0, 210, 297, false, opts, 0, "")
	var buf bytes.Buffer
	err := pdf.Output(&buf)
	return buf.Bytes(), err
}

// textPDF writes the page as a PDF with a text layer, as issuing systems
// that print to PDF do; the seal is an image-free drawing in red.
func (g *Generator) textPDF(pg page) ([]byte, error) {
	pdf := newPDF()
	pdf.AddUTF8FontFromBytes("cjk", "", g.fontRaw)
	pdf.AddPage()
	pdf.SetTextColor(25, 25, 30)
	for _, t := range pg.Texts {
		x := t.X * mmPerPixel
		pt := t.Size * mmPerPixel / 0.3528 // pixels to points
		for _, run := range runs(t.S) {
			if run.latin {
				pdf.SetFont("Helvetica", "", pt)
			} else {
				pdf.SetFont("cjk", "", pt)
			}
			pdf.Text(x, t.Y*mmPerPixel, run.s)
			x += pdf.GetStringWidth(run.s)
		}
	}
	pdf.SetLineWidth(0.3)
	for _, l := range pg.Rules {
		pdf.Line(l.X0*mmPerPixel, l.Y0*mmPerPixel, l.X1*mmPerPixel, l.Y1*mmPerPixel)
	}
	if s := pg.Seal; s != nil {
		pdf.SetDrawColor(215, 35, 45)
		pdf.SetLineWidth(1.2)
		pdf.Circle(s.X*mmPerPixel, s.Y*mmPerPixel, s.R*mmPerPixel, "D")
	}
	var buf bytes.Buffer
	err := pdf.Output(&buf)
	return buf.Bytes(), err
}

type textRun struct {
	s     string
	latin bool
}

// runs splits s into Latin and CJK runs: the core Helvetica font draws
// Latin text with the metrics readers expect, the CJK font the rest.
func runs(s string) []textRun {
	var out []textRun
	for _, r := range s {
		latin := r < 0x7f
		if n := len(out); n > 0 && out[n-1].latin == latin {
			out[n-1].s += string(r)
		} else {
			out = append(out, textRun{string(r), latin})
		}
	}
	return out
}

package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
)

// Preprocessing turns a photographed or scanned page into the clean page
// tesseract reads best: the red seal goes (it is stamped over the inspection
// body and date), the page is enlarged to a working resolution and
// straightened, binarised to find the form's ruled lines and the specks of
// dust, which are removed (tesseract reads a line through a word as
// characters), and cropped to its ink.

// minWidth is the working width of a page: an A4 page at about 200 dpi,
// where body text is large enough for tesseract's models.
const minWidth = 1400

// maxSkew is the largest skew corrected, in degrees; a scan is rarely more
// than a few degrees off.
const maxSkew = 5.0

// Preprocess returns the page cleaned for recognition as a binary image.
func Preprocess(src image.Image) *image.Gray {
	g := dropRed(src)
	f := 1.0
	if w := g.Bounds().Dx(); w < minWidth {
		f = float64(minWidth) / float64(w)
	}
	// Enlarged and straightened in one resampling.
	angle := skewAngle(g)
	if math.Abs(angle) < 0.1 {
		angle = 0
	}
	if f != 1 || angle != 0 {
		g = resample(g, f, -angle)
	}
	// Lines and specks are found on a binary copy and whitened in the
	// grey page, which keeps the strokes' grey edges: tesseract's
	// recogniser reads them, and a blurred character binarised globally
	// clots into a blot.
	b := image.NewGray(g.Bounds())
	copy(b.Pix, g.Pix)
	binarise(b, otsu(b))
	clean := image.NewGray(b.Bounds())
	copy(clean.Pix, b.Pix)
	removeRuledLines(clean)
	for i, v := range clean.Pix {
		if v != b.Pix[i] || v == 255 && g.Pix[i] > 160 {
			g.Pix[i] = 255
		}
	}
	// Tesseract's time grows with the pixels it is given, and the blank
	// margins and the empty foot of a certificate are most of a page.
	return crop(g, inkBounds(clean, 24))
}

// inkBounds is the rectangle holding the ink of binary page b, widened by
// margin pixels; the whole page when there is no ink.
func inkBounds(b *image.Gray, margin int) image.Rectangle {
	w, h := b.Bounds().Dx(), b.Bounds().Dy()
	minX, minY, maxX, maxY := w, h, -1, -1
	for y := range h {
		row := b.Pix[y*b.Stride : y*b.Stride+w]
		for x, v := range row {
			if v == 0 {
				minX, maxX = min(minX, x), max(maxX, x)
				minY, maxY = min(minY, y), max(maxY, y)
			}
		}
	}
	if maxX < 0 {
		return b.Bounds()
	}
	return image.Rect(minX-margin, minY-margin, maxX+margin+1, maxY+margin+1).Intersect(b.Bounds())
}

func crop(g *image.Gray, r image.Rectangle) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := range r.Dy() {
		copy(out.Pix[y*out.Stride:y*out.Stride+r.Dx()], g.Pix[(r.Min.Y+y)*g.Stride+r.Min.X:])
	}
	return out
}

// dropRed converts to grey, turning the pixels of red ink (a seal) white.
// Where the seal covers black text the pixel stays dark: red ink over black
// is still black, and only the text is kept.
func dropRed(src image.Image) *image.Gray {
	b := src.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	// rgb reads a pixel without the interface call of At where the
	// decoders' own types allow: a page has millions.
	var rgb func(x, y int) (int, int, int)
	switch m := src.(type) {
	case *image.RGBA:
		rgb = func(x, y int) (int, int, int) {
			i := m.PixOffset(x, y)
			return int(m.Pix[i]), int(m.Pix[i+1]), int(m.Pix[i+2])
		}
	case *image.NRGBA:
		rgb = func(x, y int) (int, int, int) {
			i := m.PixOffset(x, y)
			return int(m.Pix[i]), int(m.Pix[i+1]), int(m.Pix[i+2])
		}
	case *image.Gray:
		rgb = func(x, y int) (int, int, int) {
			v := int(m.Pix[m.PixOffset(x, y)])
			return v, v, v
		}
	default:
		rgb = func(x, y int) (int, int, int) {
			r, g, b, _ := src.At(x, y).RGBA()
			return int(r >> 8), int(g >> 8), int(b >> 8)
		}
	}
	if m, ok := src.(*image.YCbCr); ok {
		// JPEG scans, the common case, without a call a pixel.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := g.Pix[(y-b.Min.Y)*g.Stride:]
			for x := b.Min.X; x < b.Max.X; x++ {
				ci := m.COffset(x, y)
				r8, g8, b8 := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[ci], m.Cr[ci])
				row[x-b.Min.X] = paperOrInk(int(r8), int(g8), int(b8))
			}
		}
		return g
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := g.Pix[(y-b.Min.Y)*g.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gg, bb := rgb(x, y)
			row[x-b.Min.X] = paperOrInk(r, gg, bb)
		}
	}
	return g
}

// paperOrInk is the grey of a pixel, white for red ink.
func paperOrInk(r, g, b int) uint8 {
	if r > 110 && r-max(g, b) > 50 {
		return 255
	}
	return uint8((299*r + 587*g + 114*b) / 1000)
}

// skewAngle estimates the skew of the text lines in degrees: the angle
// whose projection of dark pixels onto the vertical axis is sharpest (lines
// of text fall into few rows only when they are level).
func skewAngle(g *image.Gray) float64 {
	b := g.Bounds()
	t := otsu(g)
	// A sample of the dark pixels is enough for the estimate: every row
	// (skipping rows would favour the level angle, whose projection then
	// leaves every other bin empty), every third column.
	type pt struct{ x, y float64 }
	var pts []pt
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x += 3 {
			if g.Pix[y*g.Stride+x] < t {
				pts = append(pts, pt{float64(x), float64(y)})
			}
		}
	}
	if len(pts) < 100 {
		return 0
	}
	h := b.Dy() + b.Dx()
	bins := make([]float64, h*2)
	score := func(deg float64) float64 {
		clear(bins)
		s, c := math.Sincos(deg * math.Pi / 180)
		for _, p := range pts {
			i := int(p.y*c-p.x*s) + h
			if i >= 0 && i < len(bins) {
				bins[i]++
			}
		}
		var sum float64
		for _, v := range bins {
			sum += v * v
		}
		return sum
	}
	best, bestScore := 0.0, -1.0
	search := func(from, to, step float64) {
		for a := from; a <= to+1e-9; a += step {
			if s := score(a); s > bestScore {
				best, bestScore = a, s
			}
		}
	}
	search(-maxSkew, maxSkew, 0.5)
	search(best-0.5, best+0.5, 0.1)
	return best
}

// resample enlarges g by f and turns it by deg degrees about its centre,
// bilinearly, filling with white.
func resample(g *image.Gray, f, deg float64) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	ow, oh := int(float64(w)*f), int(float64(h)*f)
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	s, c := math.Sincos(deg * math.Pi / 180)
	s, c = s/f, c/f
	cx, cy := float64(w)/2, float64(h)/2
	ocx, ocy := float64(ow)/2, float64(oh)/2
	for y := range oh {
		dy := float64(y) - ocy
		row := out.Pix[y*out.Stride:]
		for x := range ow {
			// The source point the destination pixel comes from.
			dx := float64(x) - ocx
			sx, sy := c*dx+s*dy+cx, -s*dx+c*dy+cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			if x0 < 0 || y0 < 0 || x0+1 >= w || y0+1 >= h {
				row[x] = 255
				continue
			}
			fx, fy := sx-float64(x0), sy-float64(y0)
			i := y0*g.Stride + x0
			top := float64(g.Pix[i])*(1-fx) + float64(g.Pix[i+1])*fx
			bottom := float64(g.Pix[i+g.Stride])*(1-fx) + float64(g.Pix[i+g.Stride+1])*fx
			row[x] = uint8(top*(1-fy) + bottom*fy + 0.5)
		}
	}
	return out
}

// otsu is the threshold that best separates ink from paper.
func otsu(g *image.Gray) uint8 {
	var hist [256]int
	b := g.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+b.Dx()] {
			hist[v]++
		}
	}
	total := b.Dx() * b.Dy()
	var sum float64
	for i, n := range hist {
		sum += float64(i * n)
	}
	var sumB, wB float64
	best, bestVar := 0, -1.0
	for t := range 256 {
		wB += float64(hist[t])
		if wB == 0 {
			continue
		}
		wF := float64(total) - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/wB, (sum-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t, v
		}
	}
	return uint8(best + 1)
}

func binarise(g *image.Gray, t uint8) {
	for i, v := range g.Pix {
		if v < t {
			g.Pix[i] = 0
		} else {
			g.Pix[i] = 255
		}
	}
}

// removeRuledLines whitens runs of ink far longer than any character,
// across or down the page: the form's ruled lines and boxes. A scanned line
// is not quite straight nor unbroken, so runs bridge small gaps, and the
// thin ink along an erased run goes with it.
func removeRuledLines(g *image.Gray) {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	minRun := w / 12
	across := make([]bool, len(g.Pix))
	down := make([]bool, len(g.Pix))
	ink := func(i int) bool { return g.Pix[i] == 0 }
	mark := func(line []bool, n int, at func(k int) int) {
		for k := 0; k < n; {
			if !ink(at(k)) {
				k++
				continue
			}
			start, end, gap := k, k, 0
			for k < n && gap <= 3 {
				if ink(at(k)) {
					end, gap = k, 0
				} else {
					gap++
				}
				k++
			}
			if end-start+1 >= minRun {
				for i := start; i <= end; i++ {
					line[at(i)] = true
				}
			}
		}
	}
	for y := range h {
		mark(across, w, func(k int) int { return y*g.Stride + k })
	}
	for x := range w {
		mark(down, h, func(k int) int { return k*g.Stride + x })
	}
	// A line is a few pixels thick and stepped where the page was skewed:
	// the ink beside a marked run goes too, unless it is the stroke of a
	// character crossing the line (long in the other direction).
	const band, stroke = 3, 8
	erase := func(line []bool, dx, dy int) {
		for i, on := range line {
			if !on {
				continue
			}
			x, y := i%g.Stride, i/g.Stride
			if inkRun(g, x, y, dy, dx) >= stroke {
				continue
			}
			for d := -band; d <= band; d++ {
				xx, yy := x+d*dy, y+d*dx
				if xx >= 0 && yy >= 0 && xx < w && yy < h {
					g.Pix[yy*g.Stride+xx] = 255
				}
			}
		}
	}
	erase(across, 1, 0)
	erase(down, 0, 1)
	despeckle(g, 10)
}

// inkRun is the length of the run of ink through (x, y) in direction
// (dx, dy), counted up to a bound.
func inkRun(g *image.Gray, x, y, dx, dy int) int {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	n := 1
	for _, sign := range []int{1, -1} {
		for k := 1; k < 16; k++ {
			xx, yy := x+sign*k*dx, y+sign*k*dy
			if xx < 0 || yy < 0 || xx >= w || yy >= h || g.Pix[yy*g.Stride+xx] != 0 {
				break
			}
			n++
		}
	}
	return n
}

// despeckle whitens specks of ink of fewer than minSize pixels: scanner
// dust and what is left of erased lines, which tesseract would read as
// punctuation.
func despeckle(g *image.Gray, minSize int) {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	seen := make([]bool, len(g.Pix))
	var stack, comp []int
	for start := range g.Pix {
		if g.Pix[start] != 0 || seen[start] {
			continue
		}
		stack = append(stack[:0], start)
		comp = comp[:0]
		seen[start] = true
		for len(stack) > 0 && len(comp) < minSize {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, i)
			x, y := i%g.Stride, i/g.Stride
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					if j := yy*g.Stride + xx; g.Pix[j] == 0 && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if len(comp) < minSize && len(stack) == 0 {
			for _, i := range comp {
				g.Pix[i] = 255
			}
		}
	}
}

// pgm encodes g as a binary PGM, which tesseract reads without decoding
// cost.
func pgm(g *image.Gray) []byte {
	b := g.Bounds()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := 0; y < b.Dy(); y++ {
		buf.Write(g.Pix[y*g.Stride : y*g.Stride+b.Dx()])
	}
	return buf.Bytes()
}

package alerts

// Test helpers for the external test package.

var (
	NewTestPool = newPool
	Stored      = stored
)

// TestBlock is one block of the scenario.
type TestBlock = [2]any

// NewScenario returns a source, a sink, the scenario's blocks and the
// alerts it must raise.
func NewScenario() (*fakeSource, *countingSink, []TestBlock, []string) {
	blocks, want := scenario()
	return newFakeSource(scenarioRisk), &countingSink{seen: map[string]int{}}, blocks, want
}

func (s *fakeSource) AddBlock(b TestBlock) { s.addBlock(b[0].([]Batch), b[1].([]Line)) }

func (s *fakeSource) AddHolding(h Holding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdings = append(s.holdings, h)
}

func SinkKeys(c *countingSink) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return sinkKeys(c)
}

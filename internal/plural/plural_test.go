package plural

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCount(t *testing.T) {
	cases := []struct {
		n    int
		noun string
		want string
	}{
		{0, "row", "0 rows"},
		{1, "row", "1 row"},
		{2, "row", "2 rows"},
		{-1, "step", "-1 step"},
		{1, "finding", "1 finding"},
		{3, "preemption", "3 preemptions"},
		{2, "match", "2 matches"},
		{0, "mismatch", "0 mismatches"},
		{5, "shard summary", "5 shard summaries"},
		{5, "replay", "5 replays"},
		{1, "shard summary", "1 shard summary"},
		{2, "box", "2 boxes"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, Count(c.n, c.noun))
		})
	}
}

func TestOf(t *testing.T) {
	cases := []struct {
		n         int
		one, many string
		want      string
	}{
		{1, "device test", "device tests", "1 device test"},
		{4, "child", "children", "4 children"},
		{0, "child", "children", "0 children"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, Of(c.n, c.one, c.many))
		})
	}
}

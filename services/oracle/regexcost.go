package oracle

import (
	"fmt"
	"regexp/syntax"
)

// maxRegexCost caps the compile cost of one pattern in match() or search(),
// in the units of regexCompileCost. Timing (\pL|\pN){1000} gave about 80 ns
// per unit, so a pattern at the cap compiles in an estimated 8 ms.
const maxRegexCost = 100_000

// addRegex charges a match() or search() call with the given pattern.
func (s *filterShape) addRegex(call openCall, pattern string) error {
	// match() anchors the pattern at both ends, as the library does.
	if call.function == "match" {
		pattern = `\A` + pattern + `\z`
	}
	compile, insts := regexCompileCost(pattern)
	if compile > maxRegexCost {
		return fmt.Errorf("the pattern of %s() is too complex (cost %d, max %d)", call.function, compile, maxRegexCost)
	}
	s.regexCompile += compile
	s.addScan(call.relative, insts)
	return nil
}

// addScan charges a call that reads a string of the document with perByte
// work per byte.
func (s *filterShape) addScan(relative bool, perByte int) {
	if relative {
		s.relativeScan += perByte
		return
	}
	s.absoluteScan += perByte
}

// regexCompileCost estimates the work of compiling pattern with Go's
// regexp package, and returns the number of instructions of the program,
// which bounds the work per input byte of matching. Measured compile time
// grows with both the instructions and the rune ranges of character
// classes: (\pL|\pN){1000} has 3,004 instructions but 1.5 million range
// bounds and takes about 116 ms. A pattern that does not parse costs its
// length, because the library then returns false without compiling.
func regexCompileCost(pattern string) (cost, insts int) {
	re, err := syntax.Parse(pattern, syntax.Perl|syntax.DotNL)
	if err != nil {
		return len(pattern), 0
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return len(pattern), 0
	}
	cost = len(pattern)
	for _, inst := range prog.Inst {
		cost += 32 + len(inst.Rune)
	}
	return cost, len(prog.Inst)
}

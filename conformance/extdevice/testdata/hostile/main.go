// Command hostile is an external device that breaks the protocol in the
// way its one argument names; the extdevice tests run it.
//
//	exit     exits at once, before the hello
//	garbage  answers the hello with a line that is not JSON
//	silent   reads its input and never answers
//	hang     answers the hello, then never answers again
//	twice    the reference device, writing every reply but its hello twice
//	hello-twice the reference device, writing every reply twice, its hello included
//	oob-dma  the reference device, writing guest memory at 2^60 on every event
//	short-read the reference device, answering every read with 1 byte of read_data
//	wrong-tag  the reference device, completing every admin command with its tag plus 1000
//	flood    answers the hello, then writes without end and without newline
//	wrongop  answers every request with an op the protocol does not have
//	badexit  the reference device, exiting with status 4 at the end of its input
//	linger   the reference device, running on after the end of its input
//	crlf     the reference device, ending every line with \r\n
//	banner   answers the hello, then writes a start-up line on stdout
//	dies     the reference device, exiting with status 3 instead of writing its 300th line
//	goodbye  the reference device, writing a line on stdout at the end of its input
//	slowdeath closes its output before the hello, then exits with status 5 a second later
//	nonewline answers the hello without the newline that ends its line
//	halfline  answers the hello, then writes the start of a reply and no more
//	orphan    answers the hello, then exits with status 3 leaving a child that holds its stdout
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile MODE")
		os.Exit(2)
	}
	info := extdevice.Info{Name: "hostile " + os.Args[1], Editions: spec.Editions, Knobs: extdevice.AllKnobs()}
	in := bufio.NewReader(os.Stdin)
	switch os.Args[1] {
	case "exit":
		fmt.Fprintln(os.Stderr, "hostile: exiting at once")
		os.Exit(3)
	case "quit": // exits at once, as if done
		os.Exit(0)
	case "slowdeath":
		// An interpreter dying of an error on a loaded machine: its output
		// closes, its stack trace goes to stderr, and it exits later.
		_ = os.Stdout.Close()
		fmt.Fprintln(os.Stderr, "hostile: dying slowly")
		time.Sleep(time.Second)
		os.Exit(5)
	case "garbage":
		_, _ = in.ReadString('\n')
		fmt.Println("this is not a protocol message")
		_, _ = io.Copy(io.Discard, in)
	case "silent":
		_, _ = io.Copy(io.Discard, in)
	case "hang":
		line, _ := in.ReadString('\n')
		fmt.Println(hello(line))
		_, _ = io.Copy(io.Discard, in)
	case "nonewline":
		line, _ := in.ReadString('\n')
		fmt.Print(hello(line))
		_, _ = io.Copy(io.Discard, in)
	case "halfline":
		line, _ := in.ReadString('\n')
		fmt.Println(hello(line))
		_, _ = in.ReadString('\n')
		fmt.Print(`{"id":2,"op":"rea`)
		_, _ = io.Copy(io.Discard, in)
	case "orphan":
		line, _ := in.ReadString('\n')
		fmt.Println(hello(line))
		_, _ = in.ReadString('\n')
		child := exec.Command("sleep", "30")
		child.Stdout = os.Stdout
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "hostile:", err)
		}
		if child.Process != nil {
			fmt.Fprintf(os.Stderr, "hostile: exiting, child %d keeps stdout\n", child.Process.Pid)
		}
		os.Exit(3)
	case "flood":
		line, _ := in.ReadString('\n')
		fmt.Println(hello(line))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				return
			}
		}
	case "wrongop":
		for {
			line, err := in.ReadString('\n')
			if err != nil {
				return
			}
			id := line[strings.Index(line, `"id":`)+5 : strings.Index(line, ",")]
			fmt.Printf("{\"id\":%s,\"op\":\"teapot\"}\n", id)
		}
	case "twice":
		serve(in, &twiceWriter{w: os.Stdout, once: 1}, blk.New, info)
	case "hello-twice":
		serve(in, &twiceWriter{w: os.Stdout}, blk.New, info)
	case "badexit":
		serve(in, os.Stdout, blk.New, info)
		fmt.Fprintln(os.Stderr, "hostile: exiting with 4")
		os.Exit(4)
	case "linger":
		serve(in, os.Stdout, blk.New, info)
		// Never ends on its own. Not select {}: with no timer pending
		// and no goroutine that could wake it, Go's runtime ends such a
		// program with "all goroutines are asleep - deadlock!" (exit
		// status 2); only the net package, linked in through extdevice,
		// kept this one from being judged so.
		for {
			time.Sleep(time.Hour)
		}
	case "slowexit":
		// Well behaved but slow to end, as an interpreter's shutdown on a
		// loaded machine can be: exits with status 0 1.5 s after its input
		// ends.
		serve(in, os.Stdout, blk.New, info)
		time.Sleep(1500 * time.Millisecond)
	case "crlf":
		serve(in, crlfWriter{os.Stdout}, blk.New, info)
	case "dies":
		serve(in, &dyingWriter{w: os.Stdout, lines: 300}, blk.New, info)
	case "banner":
		line, _ := in.ReadString('\n')
		fmt.Println(hello(line))
		fmt.Println("hostile: starting up")
		_, _ = io.Copy(io.Discard, in)
	case "goodbye":
		serve(in, os.Stdout, blk.New, info)
		fmt.Println("bye")
	case "oob-dma":
		serve(in, os.Stdout, func(c member.Config) member.Device { return oob{blk.New(c), c} }, info)
	case "wrong-tag":
		serve(in, os.Stdout, func(c member.Config) member.Device { return wrongTag{blk.New(c)} }, info)
	case "short-read":
		serve(in, os.Stdout, func(c member.Config) member.Device { return shortRead{blk.New(c)} }, info)
	default:
		fmt.Fprintf(os.Stderr, "hostile: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

func serve(in io.Reader, out io.Writer, f member.Factory, info extdevice.Info) {
	if err := extdevice.Serve(in, out, f, info); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

// hello answers a hello line of request 1.
func hello(string) string {
	return `{"id":1,"op":"hello","protocol":1,"name":"hostile","editions":["draft-2023","virtio-1.4"]}`
}

// twiceWriter writes everything twice once it has written its first
// once lines (the hello: a device that writes it twice breaks the protocol
// in its handshake).
type twiceWriter struct {
	w     io.Writer
	once  int
	lines int
}

func (t *twiceWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err != nil || t.lines < t.once {
		t.lines += bytes.Count(p, []byte("\n"))
		return n, err
	}
	return t.w.Write(p)
}

// dyingWriter exits with status 3 instead of writing line number lines,
// as a device that crashes in the middle of a catalog row.
type dyingWriter struct {
	w     io.Writer
	lines int
}

func (d *dyingWriter) Write(p []byte) (int, error) {
	d.lines -= bytes.Count(p, []byte("\n"))
	if d.lines <= 0 {
		fmt.Fprintln(os.Stderr, "hostile: dying")
		os.Exit(3)
	}
	return d.w.Write(p)
}

// crlfWriter ends every line with \r\n, as a program whose runtime
// translates newlines does (a text-mode stream on Windows).
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// oob writes guest memory far outside the guest on every event.
type oob struct {
	member.Device
	c member.Config
}

func (d oob) Handle(ev member.Event) member.Effects {
	_ = d.c.Mem.WriteMem(d.c.RID, 1<<60, []byte{1, 2, 3, 4})
	return d.Device.Handle(ev)
}

// shortRead answers every read with its first byte alone.
type shortRead struct{ member.Device }

func (d shortRead) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if len(fx.ReadData) > 1 {
		fx.ReadData = fx.ReadData[:1]
	}
	return fx
}

// wrongTag completes every admin command with another tag than its own.
type wrongTag struct{ member.Device }

func (d wrongTag) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		fx.Completions[i].Tag += 1000
	}
	return fx
}

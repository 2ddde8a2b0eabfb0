package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// exitInterrupted is the exit status of a command stopped by SIGINT or
// SIGTERM (128 + SIGINT, as shells report it).
const exitInterrupted = 130

// interrupts returns two contexts: the first ends at the first SIGINT or
// SIGTERM (stop exploring), the second at the next one (stop shrinking
// too). stop releases the signals; call it before returning.
func interrupts() (first, second context.Context, stop func()) {
	first, cancel1 := context.WithCancel(context.Background())
	second, cancel2 := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	done := make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		n := 0
		for {
			select {
			case <-sigs:
				n++
				if n == 1 {
					cancel1()
				} else {
					cancel2()
				}
			case <-done:
				return
			}
		}
	}()
	return first, second, func() {
		signal.Stop(sigs)
		close(done)
		cancel1()
		cancel2()
	}
}

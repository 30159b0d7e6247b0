// Package migrate generates migrations from model metadata, shows their SQL
// for review, and applies them safely.
package migrate

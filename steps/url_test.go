package steps_test

import "net/url"

func urlUnescape(s string) (string, error) { return url.QueryUnescape(s) }

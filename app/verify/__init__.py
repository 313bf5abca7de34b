"""Public signature check ("Kiểm tra chữ ký số"): upload, verdict, details, JSON and print."""

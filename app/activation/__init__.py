"""Hỗ trợ kích hoạt VNeID: the desk feature that guides e-ID registration and activation."""

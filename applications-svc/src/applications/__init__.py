"""Shubbak applications: every other service, defined as data"""

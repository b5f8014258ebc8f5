"""Shubbak office routing: offices, capacity, appointments"""

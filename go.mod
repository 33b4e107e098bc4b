module karta

go 1.26

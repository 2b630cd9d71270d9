package handlers

import "github.com/gin-gonic/gin"

// registerDocs serves the OpenAPI document and the documentation page.
func registerDocs(r *gin.Engine) {}
